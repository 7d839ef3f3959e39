"""Programmes, training centres and schools: look-ups and creation."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select

from lms_plugin.coordination.models import Programme, School, TrainingCentre
from lms_plugin.db import db
from lms_plugin.errors import DomainError, NotFound

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
