"""Programmes, training centres and schools: look-ups and creation."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import Select, func, select
from sqlalchemy.orm import contains_eager

from lms_plugin.coordination.models import Programme, School, TrainingCentre
from lms_plugin.db import db
from lms_plugin.errors import DomainError, NotFound
from lms_plugin.listing import ListArgs, Page, Sort, hungarian, matches, order_clauses, paginate

FIELD_SEPARATOR = "|"


def join_fields(fields: list[str]) -> str:
    """Store a list of vocational fields ('|'-separated, no empties, no duplicates)."""
    seen: list[str] = []
    for f in fields:
        f = f.strip()
        if f and f not in seen:
            seen.append(f)
    return FIELD_SEPARATOR.join(seen)


def programmes() -> list[Programme]:
    """Newest first."""
    return list(db.session.scalars(select(Programme).order_by(Programme.id.desc())))


def get_programme(programme_id: int | None) -> Programme | None:
    """The programme asked for, else the newest; None when there is none yet."""
    if programme_id:
        found = db.session.get(Programme, programme_id)
        if found is None:
            raise NotFound(_("This programme does not exist."))
        return found
    return db.session.scalar(select(Programme).order_by(Programme.id.desc()).limit(1))


def create_programme(
    name: str, school_year: str, year_ends_on: date, issuer: str | None = None
) -> Programme:
    """A new programme year, owned by the tenant `issuer`."""
    name = name.strip()
    if not name:
        raise DomainError(_("Give the programme a name."))
    programme = Programme(
        name=name[:255],
        school_year=school_year.strip()[:16],
        year_ends_on=year_ends_on,
        issuer=issuer,
    )
    db.session.add(programme)
    db.session.flush()
    return programme


def centres(programme: Programme, centre_ids: frozenset[int] | None = None) -> list[TrainingCentre]:
    """Centres of a programme (only `centre_ids` when given: a coordinator's scope)."""
    query = select(TrainingCentre).where(TrainingCentre.programme_id == programme.id)
    if centre_ids is not None:
        query = query.where(TrainingCentre.id.in_(centre_ids))
    return list(db.session.scalars(query.order_by(TrainingCentre.name)))


def schools(
    programme: Programme, centre_id: int | None = None, centre_ids: frozenset[int] | None = None
) -> list[School]:
    """Schools of a programme (optionally one centre; only `centre_ids` when given)."""
    query = (
        select(School)
        .join(TrainingCentre)
        .where(School.programme_id == programme.id)
        .order_by(TrainingCentre.name, School.name)
    )
    if centre_id:
        query = query.where(School.centre_id == centre_id)
    if centre_ids is not None:
        query = query.where(School.centre_id.in_(centre_ids))
    return list(db.session.scalars(query))


def municipalities(programme: Programme, centre_ids: frozenset[int] | None = None) -> list[str]:
    query = select(School.municipality).where(School.programme_id == programme.id)
    if centre_ids is not None:
        query = query.where(School.centre_id.in_(centre_ids))
    return list(db.session.scalars(query.distinct().order_by(School.municipality)))


def vocational_fields(programme: Programme) -> list[str]:
    """Every field named by a school of the programme, sorted."""
    found: set[str] = set()
    for value in db.session.scalars(
        select(School.vocational_fields).where(School.programme_id == programme.id).distinct()
    ):
        found.update(f for f in value.split(FIELD_SEPARATOR) if f)
    return sorted(found)


def school_count(programme: Programme) -> int:
    return int(
        db.session.scalar(select(func.count(School.id)).where(School.programme_id == programme.id))
        or 0
    )


def get_school(school_id: int) -> School:
    school = db.session.get(School, school_id)
    if school is None:
        raise NotFound(_("This school does not exist."))
    return school


SCHOOL_SORTS = {
    "centre": Sort(TrainingCentre.name, text=True),
    "code": Sort(School.code),
    "name": Sort(School.name, text=True),
    "municipality": Sort(School.municipality, text=True),
    "target": Sort(School.target_helpers),
}


def _schools_query(
    programme: Programme,
    term: str,
    centre_id: int | None,
    centre_ids: frozenset[int] | None,
) -> Select[School]:
    query = select(School).join(TrainingCentre).where(School.programme_id == programme.id)
    if centre_id:
        query = query.where(School.centre_id == centre_id)
    if centre_ids is not None:
        query = query.where(School.centre_id.in_(centre_ids))
    if term:
        query = query.where(
            matches(term, School.name, School.code, School.municipality, TrainingCentre.name)
        )
    return query


def school_page(
    programme: Programme,
    args: ListArgs,
    centre_id: int | None = None,
    centre_ids: frozenset[int] | None = None,
) -> Page[School]:
    """One page of schools: search (accents ignored), sort by any column, filter by centre."""
    base = _schools_query(programme, args.q, centre_id, centre_ids)
    query = base.options(contains_eager(School.centre)).order_by(
        *order_clauses(SCHOOL_SORTS, args, School.id)
    )
    return paginate(query, args, scalars=True, counted=base)


def find_schools(
    programme: Programme, term: str, centre_ids: frozenset[int] | None = None, limit: int = 20
) -> list[School]:
    """Schools whose name, code, town or centre contains every word of `term` (autocomplete)."""
    query = _schools_query(programme, term.strip()[:100], None, centre_ids)
    query = query.options(contains_eager(School.centre)).order_by(hungarian(School.name), School.id)
    return list(db.session.scalars(query.limit(limit)))


def school_label(school: School) -> str:
    """How a school is named in a picker: name, town and code (names repeat across towns)."""
    return f"{school.name} ({school.municipality}, {school.code})"
