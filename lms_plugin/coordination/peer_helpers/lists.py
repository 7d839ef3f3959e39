"""Lists and the export (CSV, .xlsx) of peer helpers; every helper shown or exported is audited."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, Select, and_, or_, select, true

from lms_plugin.accounts.models import User
from lms_plugin.coordination.audit import services as audit
from lms_plugin.coordination.models import HelperLink, MentorProfile, PeerHelper, Programme, School
from lms_plugin.db import db
from lms_plugin.listing import (
    ListArgs,
    Page,
    Sort,
    contains,
    paginate_sorted,
    word_patterns,
)
from lms_plugin.tabular import Column


@dataclass(frozen=True)
class HelperFilter:
    programme_id: int
    centre_id: int | None = None
    school_id: int | None = None
    status: str = ""  # "" | waiting | linked | draft
    school_year: int | None = None
    query: str = ""  # display name or school, accents ignored
    centre_ids: frozenset[int] | None = None  # the viewer's scope (None: the whole programme)


@dataclass(frozen=True)
class HelperRow:
    id: int
    display_name: str
    school_year: int
    field: str
    school: str
    start_date: date
    consent_by: str
    mentor: str
    link_status: str  # waiting | draft | published


def _filtered(f: HelperFilter, *columns: object) -> Select:
    query = (
        select(*columns)  # type: ignore[call-overload]
        .select_from(PeerHelper)
        .join(School, School.id == PeerHelper.school_id)
        .outerjoin(HelperLink, HelperLink.helper_id == PeerHelper.id)
        .where(School.programme_id == f.programme_id)
    )
    if f.centre_id:
        query = query.where(School.centre_id == f.centre_id)
    if f.centre_ids is not None:
        query = query.where(School.centre_id.in_(f.centre_ids))
    if f.school_id:
        query = query.where(PeerHelper.school_id == f.school_id)
    if f.status == "waiting":
        query = query.where(HelperLink.id.is_(None))
    elif f.status == "linked":
        query = query.where(HelperLink.status == "published")
    elif f.status == "draft":
        query = query.where(HelperLink.status == "draft")
    if f.school_year:
        query = query.where(PeerHelper.school_year == f.school_year)
    if f.query:
        query = query.where(_search(f.query))
    return query


def _search(term: str) -> ColumnElement[bool]:
    """Every word in the helper's name or in their school's name or town, accents ignored.
    The schools are folded once each in a subquery (1,000 rows), not once per helper: folding
    the school's name on each of 50,000 joined rows was most of a search's time."""
    clauses = []
    for pattern in word_patterns(term):
        schools = select(School.id).where(
            or_(contains(School.name, pattern), contains(School.municipality, pattern))
        )
        clauses.append(
            or_(contains(PeerHelper.display_name, pattern), PeerHelper.school_id.in_(schools))
        )
    return and_(true(), *clauses)


HELPER_SORTS = {
    "name": Sort(PeerHelper.display_name, text=True),
    "year": Sort(PeerHelper.school_year),
    "school": Sort(School.name, text=True),
    "start": Sort(PeerHelper.start_date),
    "mentor": Sort(User.name, text=True),
}


def _rows(f: HelperFilter, *, order: list[Any] | None = None) -> Select:
    """The listed columns (no link yet: status None, mentor None)."""
    return (
        _filtered(
            f,
            PeerHelper.id,
            PeerHelper.display_name,
            PeerHelper.school_year,
            PeerHelper.vocational_field,
            School.name,
            PeerHelper.start_date,
            PeerHelper.consent_by,
            User.name,
            HelperLink.status,
        )
        .outerjoin(MentorProfile, MentorProfile.id == HelperLink.mentor_id)
        .outerjoin(User, User.id == MentorProfile.user_id)
        .order_by(*(order or [School.name, PeerHelper.display_name, PeerHelper.id]))
    )


def _row(r: tuple) -> HelperRow:
    return HelperRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7] or "", r[8] or "waiting")


def page(f: HelperFilter, by: User, args: ListArgs) -> Page[HelperRow]:
    """One page of helpers (audited per helper shown) and the total count."""
    found = paginate_sorted(
        _rows(f).order_by(None),
        HELPER_SORTS,
        args,
        PeerHelper.display_name,
        PeerHelper.id,
        counted=_filtered(f, PeerHelper.id),
    )
    rows = [_row(r) for r in found.items]
    if rows:
        audit.record_many(by.id, audit.LIST, audit.helper_ids([r.id for r in rows]))
    return Page(rows, found.total, found.page, found.per_page)


def audit_export(f: HelperFilter, by: User) -> int:
    """Audit the export before streaming it: one row per exported helper, in one statement."""
    return audit.record_many(by.id, audit.EXPORT, _filtered(f, PeerHelper.id, PeerHelper.school_id))


def export_columns() -> list[Column]:
    """The export's headers in the reader's language (the helper list's own words)."""
    return [
        Column(_("Helper id")),
        Column(_("Display name")),
        Column(_("School year")),
        Column(_("Vocational field")),
        Column(_("School")),
        Column(_("Start date")),
        Column(_("Consent given by")),
        Column(_("Mentor")),
        Column(_("Link")),
    ]


def export_rows(f: HelperFilter) -> Iterator[tuple[object, ...]]:
    """The filtered helpers, read 2,000 at a time, with consent and link states as words (the
    date stays a date: `tabular` writes it in the reader's format, or as an Excel date)."""
    consent = {"guardian": _("guardian"), "self": _("student")}
    status = {"waiting": _("waiting"), "draft": _("proposed"), "published": _("linked")}
    # Core, not ORM, execution: plain tuples are all a spreadsheet needs.
    result = db.session.connection().execute(_rows(f).execution_options(yield_per=2000))
    for partition in result.partitions():
        for r in partition:
            yield (
                *r[:6],
                consent.get(r[6], r[6]),
                r[7],
                status.get(r[8] or "waiting", r[8]),
            )


def programme_of(f: HelperFilter) -> Programme | None:
    return db.session.get(Programme, f.programme_id)
