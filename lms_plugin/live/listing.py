"""What the live-session pages show: dates with seats, a trainee's sign-ups, marks and make-ups."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from babel.dates import format_date, format_time
from flask_babel import get_locale
from sqlalchemy import func, select

from lms_plugin.courses.availability import module_availability
from lms_plugin.courses.content import Course, LiveSession, Module
from lms_plugin.db import db
from lms_plugin.live.models import CREDITED, MISSED, LiveMark, LiveOccurrence, LiveSignup
from lms_plugin.live.services import LOCAL_TZ, ends_at


def when(moment: datetime, with_weekday: bool = True) -> str:
    """A moment in Budapest time, in the page's language (e.g. "2026. december 8., kedd 14:00")."""
    locale = str(get_locale() or "hu")
    day = format_date(
        moment.astimezone(LOCAL_TZ), "full" if with_weekday else "long", locale=locale
    )
    return f"{day} {format_time(moment, 'HH:mm', tzinfo=LOCAL_TZ, locale=locale)}"


def end_time(occurrence: LiveOccurrence) -> str:
    return format_time(ends_at(occurrence), "HH:mm", tzinfo=LOCAL_TZ, locale=str(get_locale()))


@dataclass
class DateRow:
    """One date with its seats, from the viewer's side."""

    occurrence: LiveOccurrence
    taken: int
    is_mine: bool = False
    mark: str | None = None  # the viewer's mark (trainees)

    @property
    def is_full(self) -> bool:
        return self.taken >= self.occurrence.capacity

    @property
    def left(self) -> int:
        return max(0, self.occurrence.capacity - self.taken)


@dataclass
class SessionBlock:
    """A declared session with its dates."""

    module: Module
    session: LiveSession
    dates: list[DateRow] = field(default_factory=list)
    attended: bool = False
    missed: bool = False  # a mark excused or absent and no credited mark: make-up dates offered


def _occurrences(context_pk: int, course_id: str) -> list[LiveOccurrence]:
    return list(
        db.session.scalars(
            select(LiveOccurrence)
            .where(
                LiveOccurrence.context_pk == context_pk,
                LiveOccurrence.course_id == course_id,
                LiveOccurrence.is_legacy.is_(False),
            )
            .order_by(LiveOccurrence.starts_at, LiveOccurrence.id)
        )
    )


def _taken(ids: list[int]) -> dict[int, int]:
    if not ids:
        return {}
    rows = db.session.execute(
        select(LiveSignup.occurrence_id, func.count())
        .where(LiveSignup.occurrence_id.in_(ids))
        .group_by(LiveSignup.occurrence_id)
    ).all()
    return {occurrence_id: int(count) for occurrence_id, count in rows}


def trainer_blocks(context_pk: int, course: Course) -> list[SessionBlock]:
    """Every declared session of the course with all its dates in this Moodle course."""
    occurrences = _occurrences(context_pk, course.id)
    taken = _taken([o.id for o in occurrences])
    blocks = []
    for module in course.modules:
        for session in module.live_sessions:
            block = SessionBlock(module, session)
            block.dates = [
                DateRow(o, taken.get(o.id, 0))
                for o in occurrences
                if o.module_id == module.id and o.session_id == session.id
            ]
            blocks.append(block)
    return blocks


def trainee_blocks(
    user_id: int, context_pk: int, course: Course, now: datetime
) -> tuple[list[SessionBlock], list[Module]]:
    """Sessions of the modules open to the trainee, with the dates still to come (a missed
    session offers its later dates as make-ups); and the modules whose sessions are not open yet.
    """
    every = _occurrences(context_pk, course.id)
    ids = [o.id for o in every]
    mine = (
        set(
            db.session.scalars(
                select(LiveSignup.occurrence_id).where(
                    LiveSignup.user_id == user_id, LiveSignup.occurrence_id.in_(ids)
                )
            )
        )
        if ids
        else set()
    )
    # A cancelled date stays in view only for those who had signed up (so they learn of it).
    occurrences = [o for o in every if not o.is_cancelled or o.id in mine]
    taken = _taken([o.id for o in occurrences])
    marks = {
        m.occurrence_id: m.status
        for m in db.session.scalars(
            select(LiveMark)
            .join(LiveOccurrence, LiveOccurrence.id == LiveMark.occurrence_id)
            .where(LiveMark.user_id == user_id, LiveOccurrence.course_id == course.id)
        )
    }
    open_modules = {m for m, a in module_availability(user_id, course).items() if a.open}
    blocks: list[SessionBlock] = []
    closed: list[Module] = []
    for module in course.modules:
        if not module.live_sessions:
            continue
        if module.id not in open_modules:
            closed.append(module)
            continue
        for session in module.live_sessions:
            block = SessionBlock(module, session)
            own = [
                o for o in occurrences if o.module_id == module.id and o.session_id == session.id
            ]
            statuses = [marks[o.id] for o in own if o.id in marks]
            block.attended = any(s in CREDITED for s in statuses)
            block.missed = not block.attended and any(s in MISSED for s in statuses)
            block.dates = [
                DateRow(o, taken.get(o.id, 0), o.id in mine, marks.get(o.id))
                for o in own
                if ends_at(o) > now or o.id in mine or o.id in marks
            ]
            blocks.append(block)
    return blocks, closed


def upcoming_count(user_id: int, context_pk: int, course: Course, now: datetime) -> int:
    """Dates to come of the sessions open to the trainee (for the home page)."""
    blocks, _closed = trainee_blocks(user_id, context_pk, course, now)
    return sum(1 for b in blocks for d in b.dates if d.occurrence.starts_at > now)
