"""Student peer helpers: least data, consent, erasure on request and end-of-year retention."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, select

from lms_plugin.accounts.models import User
from lms_plugin.coordination.audit import details
from lms_plugin.coordination.audit import services as audit
from lms_plugin.coordination.models import (
    BannedPair,
    HelperLink,
    PeerHelper,
    Programme,
    School,
    UnmatchedReason,
)
from lms_plugin.db import db, utcnow
from lms_plugin.errors import DomainError, NotFound

_EMAIL = re.compile(r"\S+@\S+|\bat\b.*\bdot\b", re.IGNORECASE)
_PHONE = re.compile(r"(?:\+?\d[\s/()-]*){6,}")
_WORD = r"[^\W\d_]"
# "Anna K.", "K. Anna", "Anna" — one name of any length, at most one initial.
_NAME = re.compile(rf"^(?:{_WORD}\.? )?{_WORD}(?:{_WORD}|['-])*(?: {_WORD}\.?)?$")
_CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,15}$")
GRADES = range(9, 15)


@dataclass(frozen=True)
class HelperData:
    """What a coordinator may record about a helper — nothing else."""

    display_name: str
    school_year: int
    vocational_field: str
    language: str
    start_date: date
    birth_year: int
    consent_by: str  # self | guardian
    consent_confirmed: bool


def check_display_name(name: str) -> str:
    """A first name with an initial, or a code; never a full name, e-mail or phone number."""
    name = " ".join(name.split())
    if not name:
        raise DomainError(
            _("Give a display name: a first name and an initial, or a code."), status_code=422
        )
    if _EMAIL.search(name):
        raise DomainError(
            _("The display name must not contain an e-mail address."), status_code=422
        )
    if _PHONE.search(name):
        raise DomainError(_("The display name must not contain a phone number."), status_code=422)
    if len(name) > 40 or not (_NAME.match(name) or _CODE.match(name)):
        raise DomainError(
            _(
                "Use a first name with an initial only (e.g. “Anna K.”) or a code (e.g. “PH-017”); "
                "do not write full surnames."
            ),
            status_code=422,
        )
    return name


def consent_age() -> int:
    return int(current_app.config.get("HELPER_CONSENT_AGE", 16))


def guardian_consent_required(birth_year: int, today: date | None = None) -> bool:
    """With only the birth year known, assume the youngest possible age (the safe side)."""
    today = today or date.today()
    return today.year - birth_year - 1 < consent_age()


def check(data: HelperData, today: date | None = None) -> HelperData:
    """Validate a helper record; raises DomainError with a sentence a coordinator understands."""
    today = today or date.today()
    name = check_display_name(data.display_name)
    if data.school_year not in GRADES:
        raise DomainError(_("The school year must be between 9 and 14."), status_code=422)
    if not today.year - 30 <= data.birth_year <= today.year - 10:
        raise DomainError(_("The birth year is not plausible for a student."), status_code=422)
    if data.consent_by not in ("self", "guardian") or not data.consent_confirmed:
        raise DomainError(_("Record the consent before saving the helper."), status_code=422)
    if data.consent_by == "self" and guardian_consent_required(data.birth_year, today):
        raise DomainError(
            _(
                "Helpers under %(age)s need their parent's or guardian's consent.",
                age=consent_age(),
            ),
            status_code=422,
        )
    return HelperData(
        display_name=name,
        school_year=data.school_year,
        vocational_field=data.vocational_field.strip()[:120],
        language=(data.language.strip().lower() or "hu")[:8],
        start_date=data.start_date,
        birth_year=data.birth_year,
        consent_by=data.consent_by,
        consent_confirmed=True,
    )


def get_helper(helper_id: int) -> PeerHelper:
    helper = db.session.get(PeerHelper, helper_id)
    if helper is None:
        raise NotFound(_("This peer helper does not exist (or was erased)."))
    return helper


def create(school: School, data: HelperData, by: User) -> PeerHelper:
    """Record a new helper (audited)."""
    clean = check(data)
    helper = PeerHelper(
        school_id=school.id, consent_recorded_by_id=by.id, consent_recorded_at=utcnow()
    )
    _assign(helper, clean)
    db.session.add(helper)
    db.session.flush()
    audit.record(by.id, audit.CREATE, helper.id, school.id)
    return helper


def update(helper: PeerHelper, data: HelperData, by: User) -> list[str]:
    """Change a helper's record; returns (and audits) the names of the fields that changed."""
    clean = check(data)
    before = {k: getattr(helper, k) for k in _FIELDS}
    consent_before = helper.consent_by
    _assign(helper, clean)
    changed = [k for k in _FIELDS if getattr(helper, k) != before[k]]
    if helper.consent_by != consent_before:
        helper.consent_recorded_at = utcnow()
        helper.consent_recorded_by_id = by.id
    db.session.flush()
    if changed:
        audit.record(by.id, audit.UPDATE, helper.id, helper.school_id, details.fields(changed))
    return changed


_FIELDS = (
    "display_name",
    "school_year",
    "vocational_field",
    "language",
    "start_date",
    "birth_year",
    "consent_by",
)


def _assign(helper: PeerHelper, data: HelperData) -> None:
    for key in _FIELDS:
        setattr(helper, key, getattr(data, key))


def _delete(helper_ids: list[int]) -> None:
    for start in range(0, len(helper_ids), 500):
        chunk = helper_ids[start : start + 500]
        for model in (HelperLink, BannedPair, UnmatchedReason):
            db.session.execute(delete(model).where(model.helper_id.in_(chunk)))
        db.session.execute(delete(PeerHelper).where(PeerHelper.id.in_(chunk)))


def erase(helper: PeerHelper, by: User) -> None:
    """Erasure on request: the helper and every link go; the audit keeps only the bare id."""
    helper_id, school_id = helper.id, helper.school_id
    db.session.expunge(helper)
    _delete([helper_id])
    audit.record(by.id, audit.ERASE, helper_id, school_id, details.erased())
    db.session.flush()


def retention_grace_days() -> int:
    return int(current_app.config.get("HELPER_RETENTION_GRACE_DAYS", 90))


def expired_helpers(today: date | None = None) -> list[tuple[int, int]]:
    """(helper id, school id) of helpers whose programme year ended more than the grace ago."""
    today = today or date.today()
    cutoff = today - timedelta(days=retention_grace_days())
    return [
        (r[0], r[1])
        for r in db.session.execute(
            select(PeerHelper.id, PeerHelper.school_id)
            .join(School, School.id == PeerHelper.school_id)
            .join(Programme, Programme.id == School.programme_id)
            .where(Programme.year_ends_on < cutoff)
        )
    ]


def apply_retention(today: date | None = None, *, dry_run: bool = False) -> int:
    """Delete helpers past retention (audited as the system); returns how many."""
    found = expired_helpers(today)
    if dry_run or not found:
        return len(found)
    _delete([h for h, _s in found])
    for helper_id, school_id in found:
        audit.record(None, audit.RETENTION, helper_id, school_id, details.year_ended())
    db.session.flush()
    return len(found)
