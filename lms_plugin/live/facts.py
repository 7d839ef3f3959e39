"""Facts live sessions publish for the credit calculation: the live hours a trainee attended."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select

from lms_plugin.courses.content import Course, get_course
from lms_plugin.courses.credit_format import hours_by_kind
from lms_plugin.db import db
from lms_plugin.errors import NotFound
from lms_plugin.live.models import CREDITED, LEGACY_SESSION, LiveMark, LiveOccurrence


def attended_hours(user_id: int, course_id: str) -> dict[str, float]:
    """module_id -> live hours credited (marks present or late; each session's hours at most
    once)."""
    try:
        course = get_course(course_id)
    except NotFound:
        return {}
    rows = db.session.execute(
        select(LiveOccurrence.module_id, LiveOccurrence.session_id, LiveMark.hours)
        .join(LiveMark, LiveMark.occurrence_id == LiveOccurrence.id)
        .where(
            LiveMark.user_id == user_id,
            LiveMark.status.in_(CREDITED),
            LiveOccurrence.course_id == course_id,
        )
    ).all()
    return credited_hours(course, [(m, s, h) for m, s, h in rows])


def credited_hours(course: Course, marks: list[tuple[str, str, float | None]]) -> dict[str, float]:
    """(module_id, session_id, recorded hours) of credited marks -> hours per module.

    A declared session counts its declared hours once however many of its dates were attended;
    attendance recorded before scheduling counts its recorded hours; a module never gets more
    than its live hours (its `credit.live`, or legacy `face_to_face_hours`).
    """
    per_session: dict[tuple[str, str], float] = {}
    for module_id, session_id, recorded in marks:
        module = course.module(module_id)
        if module is None:
            continue
        if session_id == LEGACY_SESSION:
            hours = float(recorded or 0.0)
        else:
            session = module.live_session(session_id)
            if session is None:
                continue  # a session removed from the course no longer credits
            hours = float(session.hours)
        key = (module_id, session_id)
        per_session[key] = max(per_session.get(key, 0.0), hours)
    per_module: dict[str, float] = defaultdict(float)
    for (module_id, _session_id), hours in per_session.items():
        per_module[module_id] += hours
    result: dict[str, float] = {}
    for module_id, hours in per_module.items():
        module = course.module(module_id)
        cap = hours_by_kind(module)["live"] if module is not None else 0.0
        credited = min(hours, cap)
        if credited > 0:
            result[module_id] = round(credited, 2)
    return result
