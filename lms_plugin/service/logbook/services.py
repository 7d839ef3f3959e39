"""The mentor's logbook: helper-training sessions, supervision meetings, monthly summaries."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import delete, select

from lms_plugin.db import db, utcnow
from lms_plugin.errors import DomainError
from lms_plugin.service import choices
from lms_plugin.service.logbook.names import name_hits, school_first_names
from lms_plugin.service.mentor import MentorDesk
from lms_plugin.service.models import (
    ContactCount,
    MonthlySummary,
    SessionAttendance,
    SupervisionMeeting,
    TrainingSession,
)

MAX_COUNT = 999  # contacts of one kind and theme in a month; more is a typing mistake


class NameWarning(DomainError):
    """The note looks like it names someone; the mentor may confirm it does not."""

    def __init__(self, hits: list[str]) -> None:
        super().__init__(
            _(
                "The note seems to contain a name (%(names)s). Write no student names or "
                "descriptions of students. If these are not names of students, confirm and save.",
                names=", ".join(hits),
            ),
            status_code=422,
        )
        self.hits = hits


def check_note(desk: MentorDesk, note: str, *, confirmed: bool) -> None:
    """Refuse (once) a note that looks like it names a student on the school's list."""
    if confirmed or not note.strip():
        return
    hits = name_hits(note, school_first_names(desk.school_ids))
    if hits:
        raise NameWarning(hits)


def _school(desk: MentorDesk, school_id: int) -> int:
    if desk.school(school_id) is None:
        raise DomainError(_("Choose one of your schools."), status_code=422)
    return school_id


def _date(held_on: date) -> date:
    if held_on > date.today():
        raise DomainError(_("The date cannot be in the future."), status_code=422)
    return held_on


def log_session(
    desk: MentorDesk,
    *,
    school_id: int,
    held_on: date,
    topic: str,
    minutes: int,
    helper_ids: Iterable[int],
    note: str,
    confirmed: bool = False,
) -> TrainingSession:
    """Record a helper-training session; helpers must be the mentor's own linked helpers."""
    if topic not in choices.TOPICS:
        raise DomainError(_("Choose a topic from the list."), status_code=422)
    mine = {h.id for h in desk.helpers}
    present = sorted(set(helper_ids))
    if not set(present) <= mine:
        raise DomainError(_("Choose helpers from your own helpers."), status_code=422)
    check_note(desk, note, confirmed=confirmed)
    session = TrainingSession(
        mentor_id=desk.profile.id,
        school_id=_school(desk, school_id),
        school_year=choices.school_year_of(_date(held_on)),
        held_on=held_on,
        topic=topic,
        minutes=minutes,
        helpers_present=len(present),
        note=note.strip(),
    )
    session.attendance = [SessionAttendance(helper_id=h) for h in present]
    db.session.add(session)
    db.session.flush()
    return session


def log_meeting(
    desk: MentorDesk,
    *,
    school_id: int,
    held_on: date,
    format: str,
    cases: int,
    themes: Iterable[str],
    note: str,
    confirmed: bool = False,
) -> SupervisionMeeting:
    """Record a supervision or case-discussion meeting: counts and themes only."""
    if format not in choices.FORMATS:
        raise DomainError(_("Choose a format from the list."), status_code=422)
    chosen = [t for t in choices.THEMES if t in set(themes)]
    if len(chosen) != len(set(themes)):
        raise DomainError(_("Choose themes from the list."), status_code=422)
    check_note(desk, note, confirmed=confirmed)
    meeting = SupervisionMeeting(
        mentor_id=desk.profile.id,
        school_id=_school(desk, school_id),
        school_year=choices.school_year_of(_date(held_on)),
        held_on=held_on,
        format=format,
        cases=cases,
        themes="|".join(chosen),
        note=note.strip(),
    )
    db.session.add(meeting)
    db.session.flush()
    return meeting


def first_of_month(text: str) -> date | None:
    """ "2026-10" → 1 October 2026; None for anything else."""
    head, _sep, tail = text.partition("-")
    if not (len(head) == 4 and head.isascii() and head.isdigit() and tail.isdigit()):
        return None
    if not 1 <= int(tail) <= 12 or len(tail) != 2:
        return None
    return date(int(head), int(tail), 1)


def summary_of(desk: MentorDesk, school_id: int, month: date) -> dict[tuple[str, str], int]:
    """The counts the mentor entered for a school and month ({(kind, theme): n})."""
    rows = db.session.execute(
        select(ContactCount.kind, ContactCount.theme, ContactCount.count)
        .join(MonthlySummary, MonthlySummary.id == ContactCount.summary_id)
        .where(
            MonthlySummary.mentor_id == desk.profile.id,
            MonthlySummary.school_id == school_id,
            MonthlySummary.month == month,
        )
    )
    return {(kind, theme): n for kind, theme, n in rows}


def save_summary(
    desk: MentorDesk, *, school_id: int, month: date, counts: Mapping[tuple[str, str], int]
) -> MonthlySummary:
    """Replace the month's counts (zero counts are not stored)."""
    if month > date.today():
        raise DomainError(_("The month cannot be in the future."), status_code=422)
    for (kind, theme), n in counts.items():
        if kind not in choices.KINDS or theme not in choices.THEMES:
            raise DomainError(_("Unknown kind or theme."), status_code=422)
        if not 0 <= n <= MAX_COUNT:
            raise DomainError(
                _("Counts are between 0 and %(max)d.", max=MAX_COUNT), status_code=422
            )
    summary = db.session.scalar(
        select(MonthlySummary).where(
            MonthlySummary.mentor_id == desk.profile.id,
            MonthlySummary.school_id == _school(desk, school_id),
            MonthlySummary.month == month,
        )
    )
    if summary is None:
        summary = MonthlySummary(
            mentor_id=desk.profile.id,
            school_id=school_id,
            month=month,
            school_year=choices.school_year_of(month),
        )
        db.session.add(summary)
        db.session.flush()
    else:
        db.session.execute(delete(ContactCount).where(ContactCount.summary_id == summary.id))
        summary.updated_at = utcnow()
    summary.contacts = sum(counts.values())
    db.session.add_all(
        ContactCount(summary_id=summary.id, kind=kind, theme=theme, count=n)
        for (kind, theme), n in sorted(counts.items())
        if n
    )
    db.session.flush()
    db.session.expire(summary, ["counts"])
    return summary


@dataclass
class YearLog:
    """A mentor's logbook for one school year, newest first."""

    school_year: str
    sessions: list[TrainingSession] = field(default_factory=list)
    meetings: list[SupervisionMeeting] = field(default_factory=list)
    months: list[tuple[date, int, int]] = field(default_factory=list)  # month, school, contacts
    plan_done: set[str] = field(default_factory=set)
    years: list[str] = field(default_factory=list)


def year_log(desk: MentorDesk, school_year: str) -> YearLog:
    """Everything the mentor logged in a school year (three queries)."""
    log = YearLog(school_year)
    mentor_id = desk.profile.id
    log.sessions = list(
        db.session.scalars(
            select(TrainingSession)
            .where(
                TrainingSession.mentor_id == mentor_id,
                TrainingSession.school_year == school_year,
            )
            .order_by(TrainingSession.held_on.desc(), TrainingSession.id.desc())
        )
    )
    log.plan_done = {s.topic for s in log.sessions if s.topic != "extra"}
    log.meetings = list(
        db.session.scalars(
            select(SupervisionMeeting)
            .where(
                SupervisionMeeting.mentor_id == mentor_id,
                SupervisionMeeting.school_year == school_year,
            )
            .order_by(SupervisionMeeting.held_on.desc(), SupervisionMeeting.id.desc())
        )
    )
    log.months = [
        (month, school_id, int(total or 0))
        for month, school_id, total in db.session.execute(
            select(MonthlySummary.month, MonthlySummary.school_id, MonthlySummary.contacts)
            .where(
                MonthlySummary.mentor_id == mentor_id,
                MonthlySummary.school_year == school_year,
            )
            .order_by(MonthlySummary.month.desc())
        )
    ]
    years = set(
        db.session.scalars(
            select(TrainingSession.school_year).where(TrainingSession.mentor_id == mentor_id)
        )
    ) | set(
        db.session.scalars(
            select(SupervisionMeeting.school_year).where(SupervisionMeeting.mentor_id == mentor_id)
        )
    )
    log.years = sorted(years | {school_year, choices.school_year_of(date.today())}, reverse=True)
    return log
