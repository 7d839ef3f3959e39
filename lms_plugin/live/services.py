"""Live-session rules: scheduling, sign-up within capacity, attendance and its audit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import delete, func, select

from lms_plugin import events
from lms_plugin.accounts.models import Membership, Role, User
from lms_plugin.courses.content import Course, LiveSession, Module
from lms_plugin.db import db, utcnow
from lms_plugin.errors import Conflict, DomainError, NotFound
from lms_plugin.live.models import (
    CREDITED,
    STATUSES,
    LiveMark,
    LiveMarkAudit,
    LiveOccurrence,
    LiveSignup,
)
from lms_plugin.locking import lock_row

LOCAL_TZ = ZoneInfo("Europe/Budapest")
MAX_NOTE = 2000


@dataclass(frozen=True)
class OccurrenceInput:
    """What a trainer enters for one date of a session (checked in shape by live.forms)."""

    module_id: str
    session_id: str
    starts_local: datetime  # naive, Europe/Budapest wall time
    duration_minutes: int
    place: str
    online_url: str
    capacity: int
    note: str


def to_utc(local: datetime) -> datetime:
    """A Budapest wall time as an aware UTC datetime."""
    return local.replace(tzinfo=LOCAL_TZ).astimezone(UTC)


def to_local(moment: datetime) -> datetime:
    """An aware datetime in Budapest time (what every page shows)."""
    return moment.astimezone(LOCAL_TZ)


def ends_at(occurrence: LiveOccurrence) -> datetime:
    return occurrence.starts_at + timedelta(minutes=occurrence.duration_minutes)


def session_of(course: Course, module_id: str, session_id: str) -> tuple[Module, LiveSession]:
    """The declared session, or a 400 naming what is wrong."""
    module = course.module(module_id)
    session = module.live_session(session_id) if module is not None else None
    if module is None or session is None:
        raise DomainError(_("Choose one of the course's live sessions."))
    return module, session


def _apply(occurrence: LiveOccurrence, course: Course, data: OccurrenceInput) -> None:
    session_of(course, data.module_id, data.session_id)
    occurrence.module_id = data.module_id
    occurrence.session_id = data.session_id
    occurrence.starts_at = to_utc(data.starts_local)
    occurrence.duration_minutes = data.duration_minutes
    occurrence.place = data.place
    occurrence.online_url = data.online_url
    occurrence.capacity = data.capacity
    occurrence.note = data.note


def schedule(actor: User, context_pk: int, course: Course, data: OccurrenceInput) -> LiveOccurrence:
    """A new date for a declared session in this Moodle course."""
    occurrence = LiveOccurrence(context_pk=context_pk, course_id=course.id, created_by_id=actor.id)
    _apply(occurrence, course, data)
    db.session.add(occurrence)
    db.session.flush()
    return occurrence


def update(occurrence: LiveOccurrence, course: Course, data: OccurrenceInput) -> None:
    """Change a date; the capacity may not drop below the seats already taken."""
    if occurrence.is_cancelled or occurrence.is_legacy:
        raise DomainError(_("A cancelled date cannot be changed."))
    taken = seats_taken(occurrence.id)
    if data.capacity < taken:
        raise DomainError(
            _("%(num)d trainees have signed up; the capacity cannot be less.", num=taken)
        )
    _apply(occurrence, course, data)
    db.session.flush()


def cancel(occurrence: LiveOccurrence) -> None:
    """Cancel a date (sign-ups stay, so the trainer sees who to tell; nobody is notified)."""
    if occurrence.is_legacy:
        raise DomainError(_("Attendance recorded before scheduling cannot be cancelled."))
    if marks_of(occurrence.id):
        raise DomainError(
            _("Attendance was taken for this date, so it cannot be cancelled. Change the marks.")
        )
    occurrence.is_cancelled = True
    db.session.flush()


def seats_taken(occurrence_id: int) -> int:
    return int(
        db.session.scalar(
            select(func.count())
            .select_from(LiveSignup)
            .where(LiveSignup.occurrence_id == occurrence_id)
        )
        or 0
    )


def _credited_sessions(user_id: int, course_id: str) -> set[tuple[str, str]]:
    rows = db.session.execute(
        select(LiveOccurrence.module_id, LiveOccurrence.session_id)
        .join(LiveMark, LiveMark.occurrence_id == LiveOccurrence.id)
        .where(
            LiveMark.user_id == user_id,
            LiveMark.status.in_(CREDITED),
            LiveOccurrence.course_id == course_id,
        )
    ).all()
    return {(m, s) for m, s in rows}


def sign_up(user_id: int, occurrence: LiveOccurrence, now: datetime | None = None) -> LiveSignup:
    """Take a seat; the capacity holds under concurrent sign-ups (the occurrence row is locked)."""
    now = now or utcnow()
    occurrence_id = occurrence.id
    lock_row(LiveOccurrence, occurrence_id)
    db.session.refresh(occurrence)
    if occurrence.is_cancelled or occurrence.is_legacy:
        raise DomainError(_("This date was cancelled."))
    if occurrence.starts_at <= now:
        raise DomainError(_("This date has already started; sign-up is closed."))
    if (occurrence.module_id, occurrence.session_id) in _credited_sessions(
        user_id, occurrence.course_id
    ):
        raise DomainError(_("You have already attended this session."))
    mine = db.session.scalars(
        select(LiveOccurrence)
        .join(LiveSignup, LiveSignup.occurrence_id == LiveOccurrence.id)
        .where(
            LiveSignup.user_id == user_id,
            LiveOccurrence.course_id == occurrence.course_id,
            LiveOccurrence.module_id == occurrence.module_id,
            LiveOccurrence.session_id == occurrence.session_id,
            LiveOccurrence.is_cancelled.is_(False),
        )
    ).all()
    if any(o.id == occurrence_id for o in mine):
        raise Conflict(_("You are already signed up for this date."))
    if any(ends_at(o) > now for o in mine):
        raise Conflict(
            _("You are already signed up for another date of this session. Cancel that first.")
        )
    if seats_taken(occurrence_id) >= occurrence.capacity:
        raise Conflict(_("This date is full. Choose another date of the session."))
    signup = LiveSignup(occurrence_id=occurrence_id, user_id=user_id)
    db.session.add(signup)
    db.session.flush()
    return signup


def cancel_signup(user_id: int, occurrence: LiveOccurrence, now: datetime | None = None) -> None:
    """Give the seat back (before the date starts)."""
    now = now or utcnow()
    if occurrence.starts_at <= now:
        raise DomainError(_("This date has already started; ask the trainer instead."))
    removed = db.session.execute(
        delete(LiveSignup).where(
            LiveSignup.occurrence_id == occurrence.id, LiveSignup.user_id == user_id
        )
    )
    if not getattr(removed, "rowcount", 0):
        raise DomainError(_("You were not signed up for this date."))
    db.session.flush()


def is_trainee_of(context_pk: int | None, user_id: int) -> bool:
    """An active trainee member of the Moodle course."""
    if context_pk is None:
        return False
    return (
        db.session.scalar(
            select(Membership.id).where(
                Membership.context_pk == context_pk,
                Membership.user_id == user_id,
                Membership.role == Role.TRAINEE.value,
                Membership.is_active.is_(True),
            )
        )
        is not None
    )


def register_people(occurrence: LiveOccurrence) -> list[int]:
    """Who is on the register: everyone signed up or already marked, in sign-up order."""
    signed = list(
        db.session.scalars(
            select(LiveSignup.user_id)
            .where(LiveSignup.occurrence_id == occurrence.id)
            .order_by(LiveSignup.created_at, LiveSignup.id)
        )
    )
    marked = db.session.scalars(
        select(LiveMark.user_id).where(LiveMark.occurrence_id == occurrence.id)
    )
    return signed + [u for u in marked if u not in signed]


def marks_of(occurrence_id: int) -> dict[int, LiveMark]:
    return {
        m.user_id: m
        for m in db.session.scalars(select(LiveMark).where(LiveMark.occurrence_id == occurrence_id))
    }


def _snapshot(mark: LiveMark | None) -> dict[str, object]:
    if mark is None:
        return {}
    return {"status": mark.status, "note": mark.note}


def set_mark(actor: User, occurrence: LiveOccurrence, user_id: int, status: str, note: str) -> bool:
    """Mark one trainee; audited; True when something changed (the caller publishes)."""
    if status not in STATUSES:
        raise DomainError(_("Choose present, late, excused or absent."))
    note = note.strip()[:MAX_NOTE]
    mark = db.session.scalar(
        select(LiveMark).where(LiveMark.occurrence_id == occurrence.id, LiveMark.user_id == user_id)
    )
    before = _snapshot(mark)
    if mark is not None and mark.status == status and mark.note == note:
        return False
    if mark is None:
        mark = LiveMark(occurrence_id=occurrence.id, user_id=user_id, status=status, note=note)
        db.session.add(mark)
    mark.status = status
    mark.note = note
    mark.marked_by_id = actor.id
    mark.marked_at = utcnow()
    db.session.add(
        LiveMarkAudit(
            occurrence_id=occurrence.id,
            user_id=user_id,
            actor_id=actor.id,
            before=before,
            after=_snapshot(mark),
        )
    )
    db.session.flush()
    return True


def save_register(
    actor: User, occurrence: LiveOccurrence, entries: dict[int, tuple[str, str]]
) -> list[int]:
    """Marks for people on the register; publishes ProgressChanged per changed trainee."""
    if occurrence.is_cancelled or occurrence.is_legacy:
        raise DomainError(_("Attendance cannot be taken for a cancelled date."))
    people = set(register_people(occurrence))
    unknown = [u for u in entries if u not in people]
    if unknown:
        raise DomainError(_("Someone on the form is not on this register. Reload the page."))
    changed = [
        user_id
        for user_id, (status, note) in entries.items()
        if set_mark(actor, occurrence, user_id, status, note)
    ]
    for user_id in changed:
        events.publish(events.ProgressChanged(user_id, occurrence.course_id))
    return changed


def add_walk_in(actor: User, occurrence: LiveOccurrence, user_id: int) -> None:
    """A trainee of the course who came without signing up: marked present at once."""
    if occurrence.is_cancelled or occurrence.is_legacy:
        raise DomainError(_("Attendance cannot be taken for a cancelled date."))
    if not is_trainee_of(occurrence.context_pk, user_id):
        raise NotFound(_("There is no such trainee in this course."))
    if user_id in register_people(occurrence):
        raise Conflict(_("This trainee is already on the register."))
    set_mark(actor, occurrence, user_id, "present", "")
    events.publish(events.ProgressChanged(user_id, occurrence.course_id))
