"""Module status for the course pages: locked, open, in progress or complete.

The progress feature decides completion (overrides, attendance, active time); whether a module is
open is decided by `lms_plugin.courses.availability`, the one rule every route uses.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from lms_plugin import providers
from lms_plugin.courses.availability import Availability
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
    availability: Availability | None = None

    @property
    def is_locked(self) -> bool:
        return self.status == "locked"


def assignment_state(user_id: int, assignment_id: str) -> str:
    """The grading feature's state of the trainee's submission ("none" until it is installed)."""
    return providers.assignment_state(user_id, assignment_id)


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


def _status(progress_status: str, is_open: bool) -> str:
    """The progress feature's status, with "locked" decided by the availability rule."""
    if progress_status == "complete":
        return "complete"
    if not is_open:
        return "locked"
    return "open" if progress_status == "locked" else progress_status


def module_states(user_id: int, course: Course) -> dict[str, ModuleState]:
    """Every module's state for this trainee, in course order (locked = the availability rule)."""
    from lms_plugin.courses.availability import module_availability

    progress = providers.course_progress(user_id, course)
    available = module_availability(user_id, course, progress)
    return {
        m.module_id: ModuleState(
            m.module_id,
            _status(m.status, available[m.module_id].open),
            m.lessons_done,
            m.lessons_total,
            m.quiz_passed,
            m.assignment_state,
            available[m.module_id],
        )
        for m in progress.modules
    }
