"""Active time on task from page heartbeats.

The page sends a beat every BEAT_SECONDS while it is visible and the trainee has used mouse,
keyboard or touch within the idle limit. Each beat credits the time since the user's previous beat
from ANY tab, capped at MAX_GAP_SECONDS: two open tabs never count twice, and a pause (hidden tab,
idle, closed laptop) credits nothing because no beats arrive.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

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
    user_id: int, course_id: str, module_id: str, now: datetime, *, visible: bool, idle: bool
) -> int:
    """Credit active time for one beat; returns the seconds credited. Flushes."""
    if not visible or idle:
        return 0
    state = db.session.get(HeartbeatState, user_id)
    credited = credit_for(state.last_beat_at if state else None, now)
    if state is None:
        db.session.add(HeartbeatState(user_id=user_id, last_beat_at=now))
    elif now > state.last_beat_at:
        state.last_beat_at = now
    if credited:
        row = db.session.scalar(
            select(ActiveTime).where(
                ActiveTime.user_id == user_id,
                ActiveTime.course_id == course_id,
                ActiveTime.module_id == module_id,
            )
        )
        if row is None:
            row = ActiveTime(user_id=user_id, course_id=course_id, module_id=module_id, seconds=0)
            db.session.add(row)
        row.seconds = (row.seconds or 0) + credited
    db.session.flush()
    return credited
