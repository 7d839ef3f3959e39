"""A trainee's progress audit as sentences in the reader's language: who changed which module,
from what to what, why, and when (programme time, labelled). Codes never reach the page."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select

from lms_plugin.accounts.models import User
from lms_plugin.audit_time import labelled
from lms_plugin.courses.content import Course, localized
from lms_plugin.db import db
from lms_plugin.progress.labels import status_word
from lms_plugin.progress.models import ProgressAudit


@dataclass(frozen=True)
class AuditLine:
    """One audited change as the trainer's page shows it."""

    at: datetime
    when: str  # the moment in programme time, with the zone named
    text: str  # the sentence, with the reason


def module_phrase(course: Course, module_id: str, lang: str) -> str:
    """ "module 3 “Active listening”" in the reader's language (or a module since removed)."""
    module = course.module(module_id)
    if module is None:
        return _("a module no longer in the course")
    title = localized(module.title, lang, course.default_language)
    return _("module %(n)s “%(title)s”", n=module.order, title=title)


def sentence(
    action: str,
    actor: str,
    module: str,
    before: Mapping[str, object],
    after: Mapping[str, object],
) -> str:
    """What happened, without the time and the reason."""
    if action == "mark_complete":
        return _(
            "%(actor)s marked %(module)s complete: %(before)s → %(after)s.",
            actor=actor,
            module=module,
            before=status_word(before.get("status")),
            after=status_word(after.get("status", "complete")),
        )
    if action == "open_early":
        return _("%(actor)s opened %(module)s early.", actor=actor, module=module)
    text = _("%(actor)s changed the record of %(module)s.", actor=actor, module=module)
    if "status" in before or "status" in after:
        text += " " + _(
            "Status: %(before)s → %(after)s.",
            before=status_word(before.get("status")),
            after=status_word(after.get("status")),
        )
    return text


def _actor_names(audits: Sequence[ProgressAudit]) -> dict[int, str]:
    ids = {a.actor_id for a in audits if a.actor_id is not None}
    if not ids:
        return {}
    users = db.session.scalars(select(User).where(User.id.in_(ids)))
    return {user.id: user.display_name for user in users}


def audit_lines(audits: Sequence[ProgressAudit], course: Course) -> list[AuditLine]:
    """The audit rows as sentences (actor names read in one query)."""
    locale = get_locale()
    lang = locale.language if locale is not None else course.default_language
    names = _actor_names(audits)
    lines = []
    for audit in audits:
        actor = names.get(audit.actor_id, "") if audit.actor_id is not None else ""
        text = sentence(
            audit.action,
            actor or _("A former user"),
            module_phrase(course, audit.module_id, lang),
            audit.before if isinstance(audit.before, dict) else {},
            audit.after if isinstance(audit.after, dict) else {},
        )
        if audit.reason:
            text += " " + _("Reason: %(reason)s", reason=audit.reason)
        lines.append(AuditLine(at=audit.created_at, when=labelled(audit.created_at), text=text))
    return lines
