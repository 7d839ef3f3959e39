"""Active time on task from page heartbeats.

The page sends a beat every BEAT_SECONDS while it is visible and the trainee has used mouse,
keyboard or touch within the idle limit. Each beat credits the time since the user's previous beat
from ANY tab, capped at MAX_GAP_SECONDS: two open tabs never count twice, and a pause (hidden tab,
idle, closed laptop) credits nothing because no beats arrive.

A beat from a lesson page names the lesson: the same credited seconds go to the module and to the
lesson (lms_plugin.courses.models.LessonActiveTime), whose minimum unlocks "Mark as complete".
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update

from lms_plugin.courses.models import LessonActiveTime
from lms_plugin.db import db
from lms_plugin.progress.models import ActiveTime, HeartbeatState

BEAT_SECONDS = 30
MAX_GAP_SECONDS = 45
IDLE_SECONDS = 180


def credit_for(previous: datetime | None, now: datetime) -> int:
    """Seconds to credit for a beat at `now` after the previous beat."""
    if previous is None:
        return 0
    gap = (now - previous).total_seconds()
    if gap <= 0 or gap > MAX_GAP_SECONDS:
        return 0
    return round(gap)


def record_heartbeat(
    user_id: int,
    course_id: str,
    module_id: str,
    now: datetime,
    *,
    visible: bool,
    idle: bool,
    lesson_id: str | None = None,
) -> int:
    """Credit active time for one beat; returns the seconds credited. Flushes.

    Two beats at the same moment (two tabs, two workers) both read the same previous beat; only
    the one whose compare-and-set moves `last_beat_at` on from that value credits the gap, so time
    is never counted twice. The seconds are added in SQL, never read-modify-written.
    """
    if not visible or idle:
        return 0
    previous = db.session.scalar(
        select(HeartbeatState.last_beat_at).where(HeartbeatState.user_id == user_id)
    )
    if previous is None:
        _insert_ignoring_duplicate(HeartbeatState, {"user_id": user_id, "last_beat_at": now})
        return 0
    if now <= previous:
        return 0
    moved = db.session.execute(
        update(HeartbeatState)
        .where(HeartbeatState.user_id == user_id, HeartbeatState.last_beat_at == previous)
        .values(last_beat_at=now)
        .execution_options(synchronize_session=False)
    )
    if getattr(moved, "rowcount", 0) != 1:
        return 0  # another beat moved it first and credited that gap
    credited = credit_for(previous, now)
    if credited:
        _insert_ignoring_duplicate(
            ActiveTime,
            {"user_id": user_id, "course_id": course_id, "module_id": module_id, "seconds": 0},
        )
        db.session.execute(
            update(ActiveTime)
            .where(
                ActiveTime.user_id == user_id,
                ActiveTime.course_id == course_id,
                ActiveTime.module_id == module_id,
            )
            .values(seconds=ActiveTime.seconds + credited)
            .execution_options(synchronize_session=False)
        )
        if lesson_id is not None:
            _add_lesson_seconds(user_id, course_id, module_id, lesson_id, credited)
    db.session.flush()
    return credited


def _add_lesson_seconds(
    user_id: int, course_id: str, module_id: str, lesson_id: str, credited: int
) -> None:
    """Add the credited seconds to the lesson's row (added in SQL, never read-modify-written)."""
    _insert_ignoring_duplicate(
        LessonActiveTime,
        {
            "user_id": user_id,
            "course_id": course_id,
            "module_id": module_id,
            "lesson_id": lesson_id,
            "seconds": 0,
            "is_legacy_completion": False,
        },
    )
    db.session.execute(
        update(LessonActiveTime)
        .where(
            LessonActiveTime.user_id == user_id,
            LessonActiveTime.course_id == course_id,
            LessonActiveTime.lesson_id == lesson_id,
        )
        .values(seconds=LessonActiveTime.seconds + credited)
        .execution_options(synchronize_session=False)
    )


def _insert_ignoring_duplicate(model: Any, values: dict[str, Any]) -> None:
    """INSERT … ON CONFLICT DO NOTHING (SQLite and PostgreSQL): a concurrent twin is fine."""
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        db.session.execute(pg_insert(model).values(**values).on_conflict_do_nothing())
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        db.session.execute(sqlite_insert(model).values(**values).on_conflict_do_nothing())
    else:  # pragma: no cover - the two supported backends are above
        db.session.execute(insert(model).values(**values))
