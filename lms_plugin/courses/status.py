"""Module status for the course pages: locked, open, in progress or complete.

The progress feature owns the rule (overrides, attendance, active time); when it is installed its
`course_progress` decides. Until then the same rule without those records applies here.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from lms_plugin.courses.content import Course
from lms_plugin.courses.models import LessonProgress, QuizAttempt
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
    """Every module's state for this trainee, in course order."""
    try:
        from lms_plugin.progress.services import course_progress
    except ImportError:
        return fallback_states(user_id, course)
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


def fallback_states(user_id: int, course: Course) -> dict[str, ModuleState]:
    rows = db.session.execute(
        select(LessonProgress.lesson_id, LessonProgress.completed_at).where(
            LessonProgress.user_id == user_id, LessonProgress.course_id == course.id
        )
    ).all()
    opened = {row[0] for row in rows}
    done_ids = {row[0] for row in rows if row[1] is not None}
    attempts = db.session.execute(
        select(QuizAttempt.quiz_id, QuizAttempt.passed).where(
            QuizAttempt.user_id == user_id, QuizAttempt.course_id == course.id
        )
    ).all()
    tried = {row[0] for row in attempts}
    passed = {row[0] for row in attempts if row[1]}
    states: dict[str, ModuleState] = {}
    previous_complete = True
    for module in course.modules:
        done = sum(1 for lesson in module.lessons if lesson.id in done_ids)
        quiz_ok = module.quiz is None or module.quiz.id in passed
        a_state = assignment_state(user_id, module.assignment.id) if module.assignment else "none"
        assignment_ok = module.assignment is None or a_state in SUBMITTED_STATES.get(
            course.assignment_completion, {"passed"}
        )
        complete = done == len(module.lessons) and quiz_ok and assignment_ok
        started = any(lesson.id in opened for lesson in module.lessons) or (
            module.quiz is not None and module.quiz.id in tried
        )
        unlocked = module.kind == "core" and (previous_complete or not course.sequential)
        if complete:
            status = "complete"
        elif started:
            status = "in_progress"
        else:
            status = "open" if unlocked else "locked"
        if module.kind == "core":
            previous_complete = complete
        states[module.id] = ModuleState(
            module.id,
            status,
            done,
            len(module.lessons),
            module.quiz is not None and quiz_ok,
            a_state,
        )
    return states
