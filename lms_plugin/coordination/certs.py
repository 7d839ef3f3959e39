"""The one place coordination asks about mentor certificates (single and bulk lookups)."""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from types import ModuleType
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, or_, select

from lms_plugin.db import db, utcnow

COURSE_ID = "mentor-30h"
# Beyond this many ids one query for every valid certificate is cheaper than an IN list.
_IN_LIST_LIMIT = 900


@dataclass(frozen=True)
class CertInfo:
    """What coordination needs to know about a mentor's certificate."""

    user_id: int
    state: str  # valid | expired | revoked
    issued_at: datetime | None
    expires_at: datetime | None
    revoked_at: datetime | None = None
    code: str = ""

    @property
    def is_valid(self) -> bool:
        return self.state == "valid"

    @property
    def lifecycle(self) -> str:
        """valid | renewal_due | expired | revoked (certification's one rule, `lifecycle`)."""
        from lms_plugin.certification.lifecycle import lifecycle

        return lifecycle(self.expires_at, self.revoked_at)

    def expires_within(self, days: int, at: datetime | None = None) -> bool:
        """Valid now and expiring within `days`."""
        if not self.is_valid or self.expires_at is None:
            return False
        at = at or utcnow()
        return (self.expires_at - at).total_seconds() <= days * 86400


def _module(name: str) -> ModuleType | None:
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name != name:
            raise
        return None


def _services() -> ModuleType | None:
    return _module("lms_plugin.certification.services")


def _certificate_model() -> Any | None:
    module = _module("lms_plugin.certification.models")
    return getattr(module, "Certificate", None) if module else None


def _info(cert: Any, state: str) -> CertInfo:
    return CertInfo(
        user_id=int(cert.user_id),
        state=state,
        issued_at=getattr(cert, "issued_at", None),
        expires_at=getattr(cert, "expires_at", None),
        revoked_at=getattr(cert, "revoked_at", None),
        code=str(getattr(cert, "code", "") or ""),
    )


def certificate_info(user_id: int, at: datetime | None = None) -> CertInfo | None:
    """The user's current certificate (valid, else the newest expired or revoked), or None."""
    services = _services()
    if services is None:
        return None
    at = at or utcnow()
    cert = services.valid_certificate(user_id, COURSE_ID, at)
    if cert is not None:
        return _info(cert, "valid")
    latest_fn = getattr(services, "latest_certificate", None)
    latest = latest_fn(user_id, COURSE_ID) if latest_fn else None
    if latest is None:
        return None
    try:
        state = services.certificate_state(latest, at)
    except TypeError:  # the contract's one-argument form
        state = services.certificate_state(latest)
    return _info(latest, str(state))


def valid_certificates(
    user_ids: Iterable[int] | None = None, at: datetime | None = None
) -> dict[int, CertInfo]:
    """Valid certificates by user id, in one query (every user when `user_ids` is None)."""
    at = at or utcnow()
    wanted = None if user_ids is None else set(user_ids)
    if wanted is not None and not wanted:
        return {}
    model = _certificate_model()
    if model is None:
        return _valid_one_by_one(wanted or set(), at)
    query = select(model.user_id, model.issued_at, model.expires_at, model.code).where(
        model.course_id == COURSE_ID,
        model.revoked_at.is_(None),
        model.expires_at > at,
    )
    if hasattr(model, "valid_from"):
        query = query.where(model.valid_from <= at)
    if wanted is not None and len(wanted) <= _IN_LIST_LIMIT:
        query = query.where(model.user_id.in_(wanted))
    found: dict[int, CertInfo] = {}
    for user_id, issued_at, expires_at, code in db.session.execute(query):
        if wanted is not None and user_id not in wanted:
            continue
        known = found.get(user_id)
        if known is None or (known.expires_at or at) < expires_at:
            found[user_id] = CertInfo(user_id, "valid", issued_at, expires_at, code=code or "")
    return found


def current_certificates(
    user_ids: Iterable[int], at: datetime | None = None
) -> dict[int, CertInfo]:
    """Each user's current certificate (valid, else the newest), in at most two queries."""
    at = at or utcnow()
    wanted = set(user_ids)
    found = valid_certificates(wanted, at)
    missing = wanted - set(found)
    model = _certificate_model()
    if not missing or model is None:
        return found
    newest: dict[int, Any] = {}
    for cert in db.session.scalars(
        select(model)
        .where(model.course_id == COURSE_ID, model.user_id.in_(missing))
        .order_by(model.user_id, model.period_no)
    ):
        newest[int(cert.user_id)] = cert  # the last period wins
    for user_id, cert in newest.items():
        state = "revoked" if cert.revoked_at is not None else "expired"
        found[user_id] = _info(cert, state)
    return found


def _valid_one_by_one(user_ids: set[int], at: datetime) -> dict[int, CertInfo]:
    """Fallback when the certification models cannot be queried directly."""
    services = _services()
    if services is None:
        return {}
    found: dict[int, CertInfo] = {}
    for user_id in user_ids:
        cert = services.valid_certificate(user_id, COURSE_ID, at)
        if cert is not None:
            found[user_id] = _info(cert, "valid")
    return found


def refusal_reason(info: CertInfo | None) -> str | None:
    """Why a mentor cannot be placed or linked (None when the certificate is valid)."""
    if info is None:
        return _("This teacher has no mentor certificate yet.")
    if info.state == "expired":
        return _("This mentor's certificate expired; it must be renewed first.")
    if info.state == "revoked":
        return _("This mentor's certificate was revoked.")
    return None


def users_of_organisation(
    *, school_id: int | None = None, centre_id: int | None = None
) -> Select[int]:
    """User ids of teachers whose home school or a current placement is in the school or centre.

    A select, so callers can use it inside `.in_()` without loading the ids.
    """
    from lms_plugin.coordination.models import MentorProfile, Placement, School

    schools = select(School.id)
    if school_id is not None:
        schools = schools.where(School.id == school_id)
    if centre_id is not None:
        schools = schools.where(School.centre_id == centre_id)
    placed = select(Placement.mentor_id).where(
        Placement.school_id.in_(schools), Placement.status != "ended"
    )
    return select(MentorProfile.user_id).where(
        or_(MentorProfile.home_school_id.in_(schools), MentorProfile.id.in_(placed))
    )


def valid_user_ids(
    at: datetime | None = None, *, expiring_by: datetime | None = None
) -> Select[int] | None:
    """A select of the user ids with a valid certificate (for `.in_()`); None without models.

    With `expiring_by`, only those whose valid certificate ends by then.
    """
    model = _certificate_model()
    if model is None:
        return None
    at = at or utcnow()
    query = select(model.user_id).where(
        model.course_id == COURSE_ID, model.revoked_at.is_(None), model.expires_at > at
    )
    if expiring_by is not None:
        query = query.where(model.expires_at <= expiring_by)
    if hasattr(model, "valid_from"):
        query = query.where(model.valid_from <= at)
    return query
