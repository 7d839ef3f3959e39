"""A certificate's life cycle as everyone shows it: valid, renewal due, expired, revoked.

One function decides (`lifecycle`), one template macro shows it
(`templates/certification/_state_badge.html`); the register, the mentor pool, a mentor's page and
the placement form all use them. "Renewal due" is a valid certificate inside the renewal window
(`CERT_RENEWAL_WINDOW_DAYS`), the months in which the refresher module can be taken.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l

from lms_plugin.certification.services import RENEWAL_WINDOW_DAYS
from lms_plugin.db import utcnow

Lifecycle = Literal["valid", "renewal_due", "expired", "revoked", "none"]

LABELS = {
    "valid": _l("valid"),
    "renewal_due": _l("renewal due"),
    "expired": _l("expired"),
    "revoked": _l("revoked"),
    "none": _l("no certificate"),
}


def renewal_window_days() -> int:
    """How many days before expiry renewal opens (config `CERT_RENEWAL_WINDOW_DAYS`)."""
    if has_app_context():
        return int(current_app.config.get("CERT_RENEWAL_WINDOW_DAYS", RENEWAL_WINDOW_DAYS))
    return RENEWAL_WINDOW_DAYS


def lifecycle(
    expires_at: datetime | None,
    revoked_at: datetime | None = None,
    at: datetime | None = None,
    *,
    exists: bool = True,
) -> Lifecycle:
    """The state of a certificate at a moment (now by default)."""
    if not exists or expires_at is None:
        return "none"
    if revoked_at is not None:
        return "revoked"
    at = at or utcnow()
    if at >= expires_at:
        return "expired"
    if at >= expires_at - timedelta(days=renewal_window_days()):
        return "renewal_due"
    return "valid"
