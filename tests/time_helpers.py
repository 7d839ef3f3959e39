"""Time on task in tests: give a trainee the active time a lesson needs, as heartbeats would."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from lms_plugin.courses.models import LessonActiveTime
from lms_plugin.courses.time_on_task import min_active_seconds
from lms_plugin.db import db


def credit_lesson_time(user_id: int, course: Any, lesson: Any, seconds: int | None = None) -> None:
    """Record `seconds` (default: the lesson's minimum) of active time on the lesson. Flushes."""
    needed = min_active_seconds(course, lesson) if seconds is None else seconds
    row = db.session.scalar(
        select(LessonActiveTime).where(
            LessonActiveTime.user_id == user_id,
            LessonActiveTime.course_id == course.id,
            LessonActiveTime.lesson_id == lesson.id,
        )
    )
    if row is None:
        row = LessonActiveTime(
            user_id=user_id,
            course_id=course.id,
            module_id=lesson.module_id,
            lesson_id=lesson.id,
            seconds=0,
            is_legacy_completion=False,
        )
        db.session.add(row)
    row.seconds = max(row.seconds, needed)
    db.session.flush()


def complete_with_time(user_id: int, course: Any, lesson: Any, context_pk: int | None) -> bool:
    """Spend the lesson's minimum active time on it, then mark it complete (the services' way)."""
    from lms_plugin.courses.services import complete_lesson

    credit_lesson_time(user_id, course, lesson)
    return complete_lesson(user_id, course, lesson, context_pk)


def finish_module(user_id: int, course: Any, module: Any, *, with_time: bool = True) -> None:
    """Every lesson of the module completed (with its minimum active time unless `with_time` is
    False: an old completion) and its knowledge check passed. Flushes."""
    from lms_plugin.courses.models import LessonProgress, QuizAttempt
    from lms_plugin.db import utcnow

    now = utcnow()
    for lesson in module.lessons:
        if with_time:
            credit_lesson_time(user_id, course, lesson)
        db.session.add(
            LessonProgress(
                user_id=user_id,
                course_id=course.id,
                lesson_id=lesson.id,
                module_id=module.id,
                opened_at=now,
                completed_at=now,
            )
        )
    if module.quiz:
        db.session.add(
            QuizAttempt(
                user_id=user_id,
                course_id=course.id,
                quiz_id=module.quiz.id,
                module_id=module.id,
                attempt_no=1,
                answers={},
                score_percent=100,
                passed=True,
                results={},
            )
        )
    db.session.flush()
