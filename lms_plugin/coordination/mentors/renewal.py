"""Why a mentor cannot be placed, and what to do about it: the date and the renewal path."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _

from lms_plugin.coordination import certs
from lms_plugin.errors import DomainError


@dataclass(frozen=True)
class Refusal:
    """A certificate that does not allow a placement, said the way a coordinator can act on."""

    state: str  # none | expired | revoked
    reason: str
    since: datetime | None  # when it expired or was revoked
    next_step: str
    refresher_id: str | None  # the module that renews the certificate (a link on the page)
    refresher_title: str


def _refresher() -> tuple[str | None, str]:
    """The mentor course's refresher module (id, title in the reader's language)."""
    from lms_plugin.courses.content import get_course
    from lms_plugin.i18n import localized_text

    try:
        module = get_course(certs.COURSE_ID).refresher
    except DomainError:
        return None, ""
    if module is None:
        return None, ""
    return module.id, localized_text(module.title)


def placement_refusal(info: certs.CertInfo | None) -> Refusal | None:
    """None when the mentor may be placed; otherwise why not and the way forward."""
    reason = certs.refusal_reason(info)
    if reason is None:
        return None
    refresher_id, title = _refresher()
    if info is None:
        return Refusal(
            "none",
            reason,
            None,
            _(
                "The teacher completes the 30-hour mentor course; the certificate is issued "
                "automatically and the placement can be made then."
            ),
            None,
            "",
        )
    if info.state == "expired":
        return Refusal(
            "expired",
            reason,
            info.expires_at,
            _(
                "Renewal: the mentor completes the refresher module; the certificate is renewed "
                "automatically and the placement can be made then."
            ),
            refresher_id,
            title,
        )
    return Refusal(
        "revoked",
        reason,
        info.revoked_at,
        _(
            "A revoked certificate is not renewed automatically: ask the certificate register's "
            "administrator why it was revoked."
        ),
        None,
        "",
    )
