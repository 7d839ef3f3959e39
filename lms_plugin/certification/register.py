"""The certificate register query: one query, filtered by state, centre, school and name."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Select, select

from lms_plugin.certification.models import Certificate
from lms_plugin.certification.services import State, certificate_state
from lms_plugin.db import db, utcnow


@dataclass(frozen=True)
class RegisterFilter:
    state: str | None = None
    school_id: int | None = None
    centre_id: int | None = None
    query: str | None = None
    # The viewer's coordination scope as `Scope.params()` (None: everything, e.g. the CLI).
    scope: dict[str, object] | None = None


@dataclass(frozen=True)
class RegisterRow:
    cert: Certificate
    state: State


def _apply_org_filter(query: Select[Certificate], filters: RegisterFilter) -> Select[Certificate]:
    """Restrict to mentors whose home school is in the school or centre (coordination's data)."""
    if filters.school_id is None and filters.centre_id is None:
        return query
    try:
        from lms_plugin.coordination.certs import users_of_organisation
    except ImportError:
        return query
    user_ids = users_of_organisation(school_id=filters.school_id, centre_id=filters.centre_id)
    return query.where(Certificate.user_id.in_(user_ids))


def register_rows(filters: RegisterFilter, limit: int | None) -> list[RegisterRow]:
    """Newest periods first."""
    now = utcnow()
    query: Select[Certificate] = select(Certificate).order_by(
        Certificate.issued_at.desc(), Certificate.id.desc()
    )
    if filters.state == "revoked":
        query = query.where(Certificate.revoked_at.is_not(None))
    elif filters.state == "expired":
        query = query.where(Certificate.revoked_at.is_(None), Certificate.expires_at <= now)
    elif filters.state == "valid":
        query = query.where(Certificate.revoked_at.is_(None), Certificate.expires_at > now)
    elif filters.state == "expiring":
        query = query.where(
            Certificate.revoked_at.is_(None),
            Certificate.expires_at > now,
            Certificate.expires_at <= now + timedelta(days=90),
        )
    if filters.query:
        query = query.where(Certificate.holder_name.ilike(f"%{filters.query}%"))
    query = _apply_org_filter(query, filters)
    if filters.scope is not None:
        from lms_plugin.coordination.scope import Scope

        in_scope = Scope.from_params(filters.scope).users()
        if in_scope is not None:
            query = query.where(Certificate.user_id.in_(in_scope))
    if limit is not None:
        query = query.limit(limit)
    return [RegisterRow(cert, certificate_state(cert, now)) for cert in db.session.scalars(query)]
