"""Module status for the course pages: locked, open, in progress or complete.

The progress feature owns the rule (overrides, attendance, active time, the refresher); this module
only adapts its answer for the course pages.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from lms_plugin.courses.content import Course
from lms_plugin.courses.models import LessonProgress
from lms_plugin.db import db

SUBMITTED_STATES = {
    "submitted": {"submitted", "passed", "failed"},
    "passed": {"passed"},
}


@dataclass(frozen=True)
class ModuleState:
    """What the course pages show for one module."""

    module_id: str
    status: str  # locked | open | in_progress | complete
    lessons_done: int
    lessons_total: int
    quiz_passed: bool
    assignment_state: str

    @property
    def is_locked(self) -> bool:
        return self.status == "locked"


def assignment_state(user_id: int, assignment_id: str) -> str:
    """The grading feature's state of the trainee's submission ("none" until it is installed)."""
    try:
        from lms_plugin.grading.services import assignment_state as grading_state
    except ImportError:
        return "none"
    return str(grading_state(user_id, assignment_id))


def completed_lessons(user_id: int, course_id: str) -> set[str]:
    """Ids of the lessons the trainee marked complete."""
    return set(
        db.session.scalars(
            select(LessonProgress.lesson_id).where(
                LessonProgress.user_id == user_id,
                LessonProgress.course_id == course_id,
                LessonProgress.completed_at.is_not(None),
            )
        )
    )


def module_states(user_id: int, course: Course) -> dict[str, ModuleState]:
    """Every module's state for this trainee, in course order (the progress feature decides)."""
    from lms_plugin.progress.services import course_progress

    progress = course_progress(user_id, course)
    return {
        m.module_id: ModuleState(
            m.module_id,
            m.status,
            m.lessons_done,
            m.lessons_total,
            m.quiz_passed,
            m.assignment_state,
        )
        for m in progress.modules
    }
