"""Certificates: issue exactly once per period when the rules are met, verify, revoke, renew."""

from __future__ import annotations

import base64
import logging
import secrets
from datetime import datetime, timedelta
from typing import Any, Literal

from flask import current_app
from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from lms_plugin import events, request_cache
from lms_plugin.accounts.models import LmsContext, Membership, Role, User
from lms_plugin.certification.models import Certificate
from lms_plugin.certification.rules import RuleStatus, initial_rules, refresher_rules
from lms_plugin.db import db, utcnow
from lms_plugin.errors import DomainError

log = logging.getLogger("lms_plugin.certification")
State = Literal["valid", "expired", "revoked"]
DEFAULT_COURSE = "mentor-30h"
RENEWAL_WINDOW_DAYS = 180


def new_code() -> str:
    """A verification code with 100 random bits: XXXXX-XXXXX-XXXXX-XXXXX (not enumerable)."""
    raw = base64.b32encode(secrets.token_bytes(15)).decode().rstrip("=")[:20]
    return "-".join(raw[i : i + 5] for i in range(0, 20, 5))


def normalise_code(code: str) -> str:
    """Accept codes typed in lower case, with spaces or without dashes."""
    clean = "".join(ch for ch in code.upper() if ch.isalnum())
    return "-".join(clean[i : i + 5] for i in range(0, len(clean), 5))


def state_label(state: str) -> str:
    """The certificate state in the reader's language."""
    labels = {"valid": _("valid"), "expired": _("expired"), "revoked": _("revoked")}
    return labels.get(state, state)


def certificate_state(cert: Certificate, at: datetime | None = None) -> State:
    """valid, expired or revoked at a moment (now by default)."""
    at = at or utcnow()
    if cert.revoked_at is not None:
        return "revoked"
    if at >= cert.expires_at:
        return "expired"
    return "valid"


def latest_certificate(user_id: int, course_id: str = DEFAULT_COURSE) -> Certificate | None:
    """The newest certificate of any state (read once per GET request)."""

    def newest() -> Certificate | None:
        return db.session.scalar(
            select(Certificate)
            .where(Certificate.user_id == user_id, Certificate.course_id == course_id)
            .order_by(Certificate.period_no.desc())
            .limit(1)
        )

    if not request_cache.read_only_request():
        return newest()
    return request_cache.once(("latest_certificate", user_id, course_id), newest)


def valid_certificate(
    user_id: int, course_id: str = DEFAULT_COURSE, at: datetime | None = None
) -> Certificate | None:
    """The certificate that makes the user a certified mentor at `at`, if any."""
    at = at or utcnow()
    return db.session.scalar(
        select(Certificate)
        .where(
            Certificate.user_id == user_id,
            Certificate.course_id == course_id,
            Certificate.revoked_at.is_(None),
            Certificate.valid_from <= at,
            Certificate.expires_at > at,
        )
        .order_by(Certificate.period_no.desc())
        .limit(1)
    )


def certificate_history(user_id: int, course_id: str = DEFAULT_COURSE) -> list[Certificate]:
    """Every period, newest first."""
    return list(
        db.session.scalars(
            select(Certificate)
            .where(Certificate.user_id == user_id, Certificate.course_id == course_id)
            .order_by(Certificate.period_no.desc())
        )
    )


def in_renewal_window(cert: Certificate, at: datetime | None = None) -> bool:
    """Renewal opens some months before expiry and stays open after it."""
    at = at or utcnow()
    days = int(current_app.config.get("CERT_RENEWAL_WINDOW_DAYS", RENEWAL_WINDOW_DAYS))
    return at >= cert.expires_at - timedelta(days=days)


def rule_report(user_id: int, course_id: str = DEFAULT_COURSE) -> list[RuleStatus]:
    """Which rules are met and which are still open (renewal rules when renewing)."""
    from lms_plugin.courses.content import get_course

    course = get_course(course_id)
    latest = latest_certificate(user_id, course_id)
    if latest is not None and latest.revoked_at is None and in_renewal_window(latest):
        return refresher_rules(user_id, course, latest.issued_at)
    return initial_rules(user_id, course)


def check_and_issue(user_id: int, course_id: str = DEFAULT_COURSE) -> Certificate | None:
    """Issue the certificate when the rules are met; idempotent, exactly once per period.

    Runs in the caller's transaction (the event that completed the rules), so the certificate and
    the event commit together. A revoked certificate is never re-issued automatically.
    """
    from lms_plugin.courses.content import get_course

    course = get_course(course_id)
    latest = latest_certificate(user_id, course_id)
    if latest is not None:
        if latest.revoked_at is not None or not in_renewal_window(latest):
            return None
        if not all(rule.met for rule in refresher_rules(user_id, course, latest.issued_at)):
            return None
        return _issue(user_id, course, period_no=latest.period_no + 1, renewal_of=latest)
    if not all(rule.met for rule in initial_rules(user_id, course)):
        return None
    return _issue(user_id, course, period_no=1, renewal_of=None)


def _issue(
    user_id: int, course: Any, *, period_no: int, renewal_of: Certificate | None
) -> Certificate:
    user = db.session.get(User, user_id)
    if user is None:
        raise DomainError(_("Unknown user."))
    now = utcnow()
    years = int(course.certification.validity_years)
    start = now
    if renewal_of is not None and renewal_of.expires_at > now:
        start = renewal_of.expires_at  # renewing early keeps the remaining validity
    cert = Certificate(
        user_id=user_id,
        course_id=course.id,
        course_version=str(course.version),
        period_no=period_no,
        code=new_code(),
        holder_name=user.display_name,
        hours=float(course.hours),
        issued_at=now,
        valid_from=now,
        expires_at=_add_years(start, years),
        renewal_of_id=renewal_of.id if renewal_of else None,
        hours_by_kind=_hours_by_kind(user_id, course, renewal_of),
    )
    try:
        with db.session.begin_nested():
            db.session.add(cert)
    except IntegrityError:
        existing = db.session.scalar(
            select(Certificate).where(
                Certificate.user_id == user_id,
                Certificate.course_id == course.id,
                Certificate.period_no == period_no,
            )
        )
        if existing is None:
            raise
        return existing
    log.info("certificate issued", extra={"data": {"user": user_id, "period": period_no}})
    publish_certified_state(cert)
    events.publish(events.CertificateChanged(user_id, course.id))
    return cert


def _hours_by_kind(
    user_id: int, course: Any, renewal_of: Certificate | None
) -> dict[str, float] | None:
    """What the certificate prints by kind: the hours credited (a renewal keeps the original's)."""
    if renewal_of is not None:
        return dict(renewal_of.hours_by_kind) if renewal_of.hours_by_kind else None
    from lms_plugin.progress.services import course_progress

    credited = getattr(course_progress(user_id, course), "hours_by_kind", None) or {}
    return {str(k): round(float(v), 2) for k, v in credited.items() if float(v) > 0} or None


def _add_years(moment: datetime, years: int) -> datetime:
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year + years, day=28)


def publish_certified_state(cert: Certificate) -> None:
    """Tell Moodle through AGS: a 'Mentor certificate' column (1/1) in the trainee's courses."""
    try:
        from lms_plugin.lti.ags import LineItemSpec, queue_score
    except ImportError:
        return
    contexts = db.session.execute(
        select(LmsContext.id, LmsContext.gradebook_locale)
        .join(Membership, Membership.context_pk == LmsContext.id)
        .where(Membership.user_id == cert.user_id, Membership.role == Role.TRAINEE.value)
    ).all()
    state = certificate_state(cert)
    for context_pk, locale in contexts:
        # No activity carries this column: the tool creates it once, labelled in the language
        # of the people who read this course's gradebook.
        with force_locale((locale or "hu")[:2]):
            label = _("Mentor certificate")
            comment = gradebook_comment(cert, state)
        queue_score(
            user_id=cert.user_id,
            context_pk=context_pk,
            resource_link_pk=None,
            line_item=LineItemSpec(
                resource_id=f"certificate:{cert.course_id}",
                tag="certificate",
                label=label,
                score_maximum=1.0,
                may_create=True,
            ),
            score_given=1.0 if state == "valid" else 0.0,
            score_maximum=1.0,
            activity_progress="Completed",
            grading_progress="FullyGraded",
            comment=comment,
        )


def gradebook_comment(cert: Certificate, state: State) -> str:
    """The certificate column's comment in the current language: state, number, expiry date."""
    words = {"valid": _("valid"), "expired": _("expired"), "revoked": _("revoked")}
    return _(
        "Certificate %(code)s: %(state)s (expires %(date)s)",
        code=cert.code,
        state=words[state],
        date=format_date(cert.expires_at),
    )


def revoke(cert: Certificate, by: User, reason: str) -> Certificate:
    """Revoke with a reason (shown on the verification page)."""
    reason = reason.strip()
    if len(reason) < 3:
        raise DomainError(_("Give the reason for the revocation."))
    if cert.revoked_at is not None:
        raise DomainError(_("This certificate is already revoked."))
    cert.revoked_at = utcnow()
    cert.revoked_reason = reason[:1000]
    cert.revoked_by_id = by.id
    publish_certified_state(cert)
    db.session.flush()
    events.publish(events.CertificateChanged(cert.user_id, cert.course_id))
    return cert


def find_by_code(code: str) -> Certificate | None:
    """The certificate with this verification code."""
    normalised = normalise_code(code)
    if len(normalised) != 23:
        return None
    return db.session.scalar(select(Certificate).where(Certificate.code == normalised))


def expiring(within_days: int = 90, at: datetime | None = None) -> list[Certificate]:
    """Valid certificates that expire within the given number of days."""
    at = at or utcnow()
    return list(
        db.session.scalars(
            select(Certificate)
            .where(
                Certificate.revoked_at.is_(None),
                Certificate.expires_at > at,
                Certificate.expires_at <= at + timedelta(days=within_days),
            )
            .order_by(Certificate.expires_at)
        )
    )


def mark_reminded(certs: list[Certificate]) -> int:
    """Record that the holders were reminded (the dashboard shows the reminder)."""
    now = utcnow()
    count = 0
    for cert in certs:
        if cert.reminder_sent_at is None:
            cert.reminder_sent_at = now
            count += 1
    return count
