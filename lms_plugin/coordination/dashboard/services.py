"""Coverage per programme, centre and school, from a handful of GROUP BY queries."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, fields
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import Select, and_, case, func, literal, select

from lms_plugin.accounts.models import Membership, Role
from lms_plugin.accounts.tenants import user_ids as tenant_user_ids
from lms_plugin.coordination import certs
from lms_plugin.coordination.mentors.services import ACTIVE, RENEWAL_DUE
from lms_plugin.coordination.models import (
    HelperLink,
    MentorProfile,
    PeerHelper,
    Placement,
    School,
    TrainingCentre,
)
from lms_plugin.db import db, utcnow
from lms_plugin.tabular import Column

EXPIRY_WINDOW_DAYS = 90


@dataclass(frozen=True)
class DashboardFilter:
    programme_id: int
    centre_id: int | None = None
    school_id: int | None = None
    municipality: str = ""
    field: str = ""
    # The viewer's scope: only these centres (None: the whole programme), only this tenant's
    # teachers in the "without a school" count (None: every tenant, for tool administrators).
    centre_ids: frozenset[int] | None = None
    tenant: str | None = None

    @property
    def narrowed(self) -> bool:
        return bool(
            self.centre_id
            or self.school_id
            or self.municipality
            or self.field
            or self.centre_ids is not None
        )


@dataclass
class CoverageRow:
    id: int
    name: str
    centre: str = ""
    municipality: str = ""
    schools: int = 0
    target: int = 0
    in_training: int = 0
    certified: int = 0
    placed: int = 0
    renewal_due: int = 0
    linked: int = 0
    waiting: int = 0
    expiring: int = 0
    without_mentor: int = 0
    idle_mentors: int = 0  # placed mentors with no helper linked at that school

    def add(self, other: CoverageRow) -> None:
        for f in NUMBERS:
            setattr(self, f, getattr(self, f) + getattr(other, f))


NUMBERS = tuple(f.name for f in fields(CoverageRow) if f.type == "int" and f.name != "id")


@dataclass(frozen=True)
class Coverage:
    totals: CoverageRow
    centres: list[CoverageRow]
    schools: list[CoverageRow]
    trainees_without_school: int


def _schools(f: DashboardFilter) -> Select:
    """The filtered schools, as a subquery-able select of School.id."""
    query = select(School.id).where(School.programme_id == f.programme_id)
    if f.centre_id:
        query = query.where(School.centre_id == f.centre_id)
    if f.school_id:
        query = query.where(School.id == f.school_id)
    if f.centre_ids is not None:
        query = query.where(School.centre_id.in_(f.centre_ids))
    if f.municipality:
        query = query.where(School.municipality == f.municipality)
    if f.field:
        padded = literal("|") + School.vocational_fields + literal("|")
        query = query.where(padded.like(f"%|{f.field}|%"))
    return query


def coverage(f: DashboardFilter, at: datetime | None = None) -> Coverage:
    """Every figure of the dashboard for the filtered schools."""
    at = at or utcnow()
    school_ids = _schools(f).subquery()
    rows: dict[int, CoverageRow] = {}
    for sid, name, municipality, target, centre in db.session.execute(
        select(
            School.id, School.name, School.municipality, School.target_helpers, TrainingCentre.name
        )
        .join(TrainingCentre, TrainingCentre.id == School.centre_id)
        .where(School.id.in_(select(school_ids.c.id)))
        .order_by(TrainingCentre.name, School.name)
    ):
        rows[sid] = CoverageRow(sid, name, centre, municipality, schools=1, target=target)
    centre_ids = dict(
        db.session.execute(
            select(School.id, School.centre_id).where(School.id.in_(select(school_ids.c.id)))
        )
        .tuples()
        .all()
    )
    for sid, total, linked in db.session.execute(
        select(PeerHelper.school_id, func.count(PeerHelper.id), func.count(HelperLink.id))
        .outerjoin(
            HelperLink,
            and_(HelperLink.helper_id == PeerHelper.id, HelperLink.status == "published"),
        )
        .where(PeerHelper.school_id.in_(select(school_ids.c.id)))
        .group_by(PeerHelper.school_id)
    ):
        rows[sid].linked = linked
        rows[sid].waiting = total - linked
    for sid, status, count in db.session.execute(
        select(
            Placement.school_id, Placement.status, func.count(func.distinct(Placement.mentor_id))
        )
        .where(
            Placement.school_id.in_(select(school_ids.c.id)),
            Placement.status.in_((ACTIVE, RENEWAL_DUE)),
        )
        .group_by(Placement.school_id, Placement.status)
    ):
        if status == ACTIVE:
            rows[sid].placed = count
        else:
            rows[sid].renewal_due = count
    linked_here = (
        select(HelperLink.id)
        .join(PeerHelper, PeerHelper.id == HelperLink.helper_id)
        .where(
            HelperLink.mentor_id == Placement.mentor_id,
            PeerHelper.school_id == Placement.school_id,
            HelperLink.status == "published",
        )
        .exists()
    )
    for sid, idle in db.session.execute(
        select(Placement.school_id, func.count(func.distinct(Placement.mentor_id)))
        .where(
            Placement.school_id.in_(select(school_ids.c.id)),
            Placement.status == ACTIVE,
            ~linked_here,
        )
        .group_by(Placement.school_id)
    ):
        rows[sid].idle_mentors = idle
    valid = certs.valid_user_ids(at)
    expiring = certs.valid_user_ids(at, expiring_by=at + timedelta(days=EXPIRY_WINDOW_DAYS))
    if valid is not None and expiring is not None:
        certified = func.count(case((MentorProfile.user_id.in_(valid), 1)))
        soon = func.count(case((MentorProfile.user_id.in_(expiring), 1)))
    else:
        certified = soon = func.count(case((literal(False), 1)))
    for home, teachers, n_certified, n_soon in db.session.execute(
        select(MentorProfile.home_school_id, func.count(MentorProfile.id), certified, soon)
        .where(MentorProfile.home_school_id.in_(select(school_ids.c.id)))
        .group_by(MentorProfile.home_school_id)
    ):
        if home is None:
            continue
        rows[home].in_training = teachers - n_certified
        rows[home].certified = n_certified
        rows[home].expiring = n_soon
    schools = list(rows.values())
    centres: dict[int, CoverageRow] = {}
    totals = CoverageRow(0, "")
    for row in schools:
        row.without_mentor = int(row.placed == 0)
        cid = centre_ids[row.id]
        centres.setdefault(cid, CoverageRow(cid, row.centre)).add(row)
        totals.add(row)
    unplaced = 0 if f.narrowed else _trainees_without_school(valid, f.tenant)
    totals.in_training += unplaced
    return Coverage(totals, sorted(centres.values(), key=lambda c: c.name), schools, unplaced)


def _trainees_without_school(valid: Select[int] | None, tenant: str | None = None) -> int:
    """Trainees still in training whose school is not recorded yet (one COUNT; of `tenant`)."""
    with_school = select(MentorProfile.user_id).where(MentorProfile.home_school_id.is_not(None))
    query = select(func.count(func.distinct(Membership.user_id))).where(
        Membership.role == Role.TRAINEE.value, Membership.user_id.not_in(with_school)
    )
    if tenant is not None:
        query = query.where(Membership.user_id.in_(tenant_user_ids(tenant)))
    if valid is not None:
        query = query.where(Membership.user_id.not_in(valid))
    return int(db.session.scalar(query) or 0)


def attention_key(row: CoverageRow) -> tuple[int, int, int, int]:
    """What needs a coordinator first: schools without a mentor, then helpers waiting, then
    certificates about to expire, then mentors without helpers."""
    return (row.without_mentor, row.waiting, row.expiring, row.idle_mentors)


def needing_attention(rows: list[CoverageRow], limit: int = 10) -> list[CoverageRow]:
    """The rows to look at first (only those with something to do), most urgent first."""
    urgent = [r for r in rows if any(attention_key(r))]
    return sorted(urgent, key=lambda r: (tuple(-x for x in attention_key(r)), r.name))[:limit]


def export_columns() -> list[Column]:
    """The export's headers in the reader's language (the dashboard table's own words), in the
    order of `export_rows`: level, name, centre, municipality, then every figure."""
    words = {
        "schools": _("Schools"),
        "target": _("Target"),
        "in_training": _("In training"),
        "certified": _("Certified"),
        "placed": _("Placed"),
        "renewal_due": _("Renewal due"),
        "linked": _("Linked"),
        "waiting": _("Waiting"),
        "expiring": _("Expiring"),
        "without_mentor": _("Without mentor"),
        "idle_mentors": _("Mentors without helpers"),
    }
    return [
        Column(_("Level")),
        Column(_("Name")),
        Column(_("Centre")),
        Column(_("Municipality")),
        *(Column(str(words.get(n, n))) for n in NUMBERS),
    ]


def export_rows(cov: Coverage) -> Iterator[list[object]]:
    """The dashboard's tables as one table: the centres, then the schools, the level as a word."""
    for level, items in ((_("Centre"), cov.centres), (_("School"), cov.schools)):
        for r in items:
            yield [level, r.name, r.centre, r.municipality, *(getattr(r, n) for n in NUMBERS)]
