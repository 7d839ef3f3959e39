"""The programme's figures for a school year: coverage beside outcomes, per school, centre and
the whole scope. The dashboard and the report both read `year_figures`, so they always agree."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import Select, func, select

from lms_plugin.coordination.mentors.services import ENDED
from lms_plugin.coordination.models import (
    HelperLink,
    PeerHelper,
    Placement,
    Programme,
    School,
    TrainingCentre,
)
from lms_plugin.db import db
from lms_plugin.service.models import (
    ContactCount,
    MonthlySummary,
    OutcomeFigures,
    Referral,
    SupervisionMeeting,
    TrainingSession,
)
from lms_plugin.service.outcomes.services import terms_of


@dataclass
class Coverage:
    """What the programme delivered at a school (or summed over several)."""

    mentors: int = 0
    helpers: int = 0
    sessions: int = 0
    session_minutes: int = 0
    meetings: int = 0
    contacts: int = 0
    referrals: int = 0

    def add(self, other: Coverage) -> None:
        self.mentors += other.mentors
        self.helpers += other.helpers
        self.sessions += other.sessions
        self.session_minutes += other.session_minutes
        self.meetings += other.meetings
        self.contacts += other.contacts
        self.referrals += other.referrals

    @property
    def session_hours(self) -> float:
        return round(self.session_minutes / 60, 1)


@dataclass
class Outcome:
    """A term's indicators (summed over schools; absence hours weighted by students enrolled)."""

    schools: int = 0
    enrolled: int = 0
    at_risk: int = 0
    absence_hours: float = 0.0  # enrolled × average, so sums stay exact
    grade_repetitions: int = 0
    left_school: int = 0

    def add(self, other: Outcome) -> None:
        if not other.schools:
            return
        self.schools += other.schools
        self.enrolled += other.enrolled
        self.at_risk += other.at_risk
        self.absence_hours += other.absence_hours
        self.grade_repetitions += other.grade_repetitions
        self.left_school += other.left_school

    @property
    def avg_unjustified_absence(self) -> float | None:
        return round(self.absence_hours / self.enrolled, 2) if self.enrolled else None


@dataclass
class Line:
    """One school, centre or the whole scope: coverage, and the two terms' outcomes."""

    key: int
    name: str
    centre_id: int = 0
    centre: str = ""
    schools: int = 0
    coverage: Coverage = field(default_factory=Coverage)
    before: Outcome = field(default_factory=Outcome)
    after: Outcome = field(default_factory=Outcome)

    def add(self, other: Line) -> None:
        self.schools += other.schools
        self.coverage.add(other.coverage)
        self.before.add(other.before)
        self.after.add(other.after)


@dataclass
class YearFigures:
    programme: Programme
    school_year: str
    terms: tuple[str, str]
    schools: list[Line]
    centres: list[Line]
    total: Line
    referrals_by: dict[tuple[str, str], int]  # (category, status) → n
    contacts_by_theme: dict[str, int]


def _grouped(query: Select[int, int]) -> dict[int, int]:
    return {key: int(value or 0) for key, value in db.session.execute(query)}


def year_figures(
    programme: Programme,
    school_year: str,
    *,
    centre_ids: Iterable[int] | None = None,
    school_id: int | None = None,
    with_themes: bool = False,
) -> YearFigures:
    """Every figure for the schools of the programme in view (`centre_ids` None: all centres).

    `with_themes` adds contacts by theme (the report's table; the dashboard does without)."""
    query = (
        select(School.id, School.name, TrainingCentre.id, TrainingCentre.name)
        .join(TrainingCentre, TrainingCentre.id == School.centre_id)
        .where(School.programme_id == programme.id)
        .order_by(TrainingCentre.name, School.name)
    )
    if centre_ids is not None:
        query = query.where(School.centre_id.in_(list(centre_ids) or [-1]))
    if school_id is not None:
        query = query.where(School.id == school_id)
    lines = {
        sid: Line(sid, name, cid, cname, schools=1)
        for sid, name, cid, cname in db.session.execute(query)
    }
    # The schools as a sub-select (not a list of 1,000 parameters).
    ids = query.with_only_columns(School.id).order_by(None)
    mentors = _grouped(
        select(Placement.school_id, func.count(func.distinct(Placement.mentor_id)))
        .where(Placement.school_id.in_(ids), Placement.status != ENDED)
        .group_by(Placement.school_id)
    )
    helpers = _grouped(
        select(PeerHelper.school_id, func.count(HelperLink.id))
        .join(HelperLink, HelperLink.helper_id == PeerHelper.id)
        .where(PeerHelper.school_id.in_(ids), HelperLink.status == "published")
        .group_by(PeerHelper.school_id)
    )
    sessions = {
        sid: (int(n), int(minutes or 0))
        for sid, n, minutes in db.session.execute(
            select(TrainingSession.school_id, func.count(), func.sum(TrainingSession.minutes))
            .where(TrainingSession.school_id.in_(ids), TrainingSession.school_year == school_year)
            .group_by(TrainingSession.school_id)
        )
    }
    meetings = _grouped(
        select(SupervisionMeeting.school_id, func.count())
        .where(SupervisionMeeting.school_id.in_(ids), SupervisionMeeting.school_year == school_year)
        .group_by(SupervisionMeeting.school_id)
    )
    contacts = _grouped(
        select(MonthlySummary.school_id, func.sum(MonthlySummary.contacts))
        .where(MonthlySummary.school_id.in_(ids), MonthlySummary.school_year == school_year)
        .group_by(MonthlySummary.school_id)
    )
    contacts_by_theme: dict[str, int] = {}
    if with_themes:
        contacts_by_theme = {
            theme: int(n or 0)
            for theme, n in db.session.execute(
                select(ContactCount.theme, func.sum(ContactCount.count))
                .join(MonthlySummary, MonthlySummary.id == ContactCount.summary_id)
                .where(MonthlySummary.school_id.in_(ids), MonthlySummary.school_year == school_year)
                .group_by(ContactCount.theme)
            )
        }
    referrals: dict[int, int] = {}
    referrals_by: dict[tuple[str, str], int] = {}
    for sid, category, status, n in db.session.execute(
        select(Referral.school_id, Referral.category, Referral.status, func.count())
        .where(Referral.school_id.in_(ids), Referral.school_year == school_year)
        .group_by(Referral.school_id, Referral.category, Referral.status)
    ):
        referrals[sid] = referrals.get(sid, 0) + int(n)
        referrals_by[(category, status)] = referrals_by.get((category, status), 0) + int(n)
    terms = terms_of(school_year)
    for row in db.session.scalars(
        select(OutcomeFigures).where(
            OutcomeFigures.school_id.in_(ids), OutcomeFigures.term.in_(terms)
        )
    ):
        target = lines[row.school_id].before if row.term == terms[0] else lines[row.school_id].after
        target.add(
            Outcome(
                schools=1,
                enrolled=row.enrolled,
                at_risk=row.at_risk,
                absence_hours=float(row.avg_unjustified_absence) * row.enrolled,
                grade_repetitions=row.grade_repetitions,
                left_school=row.left_school,
            )
        )
    for sid, line in lines.items():
        n_sessions, minutes = sessions.get(sid, (0, 0))
        line.coverage = Coverage(
            mentors=mentors.get(sid, 0),
            helpers=helpers.get(sid, 0),
            sessions=n_sessions,
            session_minutes=minutes,
            meetings=meetings.get(sid, 0),
            contacts=contacts.get(sid, 0),
            referrals=referrals.get(sid, 0),
        )
    centres: dict[int, Line] = {}
    total = Line(0, programme.name)
    for line in lines.values():
        centre = centres.setdefault(line.centre_id, Line(line.centre_id, line.centre))
        centre.add(line)
        total.add(line)
    return YearFigures(
        programme=programme,
        school_year=school_year,
        terms=terms,
        schools=list(lines.values()),
        centres=list(centres.values()),
        total=total,
        referrals_by=referrals_by,
        contacts_by_theme=contacts_by_theme,
    )
