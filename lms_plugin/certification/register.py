"""The certificate register query: filtered by state, centre, school and name or code; paged.

Coordination's data (scopes, schools) is asked through `lms_plugin.providers`, never imported:
certification sits below coordination.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Select, false, select

from lms_plugin import providers
from lms_plugin.accounts.models import User
from lms_plugin.certification.lifecycle import Lifecycle, lifecycle, renewal_window_days
from lms_plugin.certification.models import Certificate
from lms_plugin.db import db, utcnow
from lms_plugin.listing import ListArgs, Page, Sort, email_domain, matches, order_clauses, paginate

STATES = ("valid", "renewal_due", "expiring", "expired", "revoked")
EXPIRING_DAYS = 90
SORTS = {
    "holder": Sort(Certificate.holder_name, text=True),
    "code": Sort(Certificate.code),
    "issued": Sort(Certificate.issued_at),
    "expires": Sort(Certificate.expires_at),
}


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
    state: Lifecycle
    email_domain: str = ""
    school: str = ""


def _query(filters: RegisterFilter) -> Select[Certificate]:
    now = utcnow()
    query: Select[Certificate] = select(Certificate)
    live = (Certificate.revoked_at.is_(None), Certificate.expires_at > now)
    if filters.state == "revoked":
        query = query.where(Certificate.revoked_at.is_not(None))
    elif filters.state == "expired":
        query = query.where(Certificate.revoked_at.is_(None), Certificate.expires_at <= now)
    elif filters.state == "valid":
        query = query.where(*live)
    elif filters.state == "renewal_due":
        query = query.where(
            *live, Certificate.expires_at <= now + timedelta(days=renewal_window_days())
        )
    elif filters.state == "expiring":
        query = query.where(*live, Certificate.expires_at <= now + timedelta(days=EXPIRING_DAYS))
    if filters.query:
        query = query.where(matches(filters.query, Certificate.holder_name, Certificate.code))
    if filters.school_id is not None or filters.centre_id is not None:
        people = providers.users_of_organisation(filters.school_id, filters.centre_id)
        query = query.where(Certificate.user_id.in_(people) if people is not None else false())
    if filters.scope is not None:
        in_scope = providers.users_in_scope(filters.scope)
        if in_scope is not None:
            query = query.where(Certificate.user_id.in_(in_scope))
    return query


def register_page(filters: RegisterFilter, args: ListArgs) -> Page[RegisterRow]:
    """One page of the register with its total; three queries whatever the page size."""
    query = _query(filters).order_by(*order_clauses(SORTS, args, Certificate.id.desc()))
    found = paginate(query, args, scalars=True)
    certs: list[Certificate] = found.items
    user_ids = sorted({c.user_id for c in certs})
    emails = dict(
        db.session.execute(select(User.id, User.email).where(User.id.in_(user_ids))).all()
    )
    schools = providers.home_schools(user_ids)
    now = utcnow()
    rows = [
        RegisterRow(
            c,
            lifecycle(c.expires_at, c.revoked_at, now),
            email_domain(emails.get(c.user_id)),
            schools.get(c.user_id, ""),
        )
        for c in certs
    ]
    return Page(rows, found.total, found.page, found.per_page)


def register_rows(filters: RegisterFilter, limit: int | None = None) -> list[RegisterRow]:
    """Every matching certificate, newest first (the CSV and the ZIP; `limit` for callers that
    want fewer)."""
    return list(iter_rows(filters, limit))


def iter_rows(filters: RegisterFilter, limit: int | None = None) -> Iterator[RegisterRow]:
    """The same, streamed in chunks (the CSV of 50,000 certificates never sits in memory)."""
    query = _query(filters).order_by(Certificate.issued_at.desc(), Certificate.id.desc())
    if limit is not None:
        query = query.limit(limit)
    now = utcnow()
    for cert in db.session.scalars(query.execution_options(yield_per=1000)):
        yield RegisterRow(cert, lifecycle(cert.expires_at, cert.revoked_at, now))


def register_count(filters: RegisterFilter) -> int:
    """How many certificates match (the ZIP job's total)."""
    from lms_plugin.listing import count

    return count(_query(filters))
