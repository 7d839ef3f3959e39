"""A register's mark changes as sentences in the reader's language: who marked whom, from what
to what, when (programme time, labelled). Status codes and stored snapshots never reach the page."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from lms_plugin.accounts.models import User
from lms_plugin.audit_time import labelled
from lms_plugin.db import db
from lms_plugin.live.models import LiveMarkAudit

# Marks as words inside a sentence (live/models.py: STATUSES).
MARK_WORDS = {
    "present": _l("present"),
    "late": _l("late"),
    "excused": _l("excused absence"),
    "absent": _l("absent"),
}


@dataclass(frozen=True)
class MarkChange:
    """One audited mark change as the register page shows it."""

    at: datetime
    when: str
    text: str


def mark_word(value: object) -> str:
    """A stored mark as a word ("not marked" before the first mark; never the code)."""
    if value is None or value == "":
        return _("not marked")
    word = MARK_WORDS.get(value) if isinstance(value, str) else None
    return str(word) if word is not None else _("unknown")


def sentence(
    actor: str, trainee: str, before: Mapping[str, object], after: Mapping[str, object]
) -> str:
    """What one audit row says, without the time."""
    old_mark, new_mark = before.get("status"), after.get("status")
    parts = []
    if old_mark != new_mark or not before:
        parts.append(
            _(
                "%(actor)s marked %(trainee)s: %(before)s → %(after)s.",
                actor=actor,
                trainee=trainee,
                before=mark_word(old_mark),
                after=mark_word(new_mark),
            )
        )
    note = after.get("note")
    if before.get("note", "") != (note or ""):
        if not parts:
            parts.append(
                _(
                    "%(actor)s changed the note on %(trainee)s's mark.",
                    actor=actor,
                    trainee=trainee,
                )
            )
        if isinstance(note, str) and note:
            parts.append(_("Note: %(note)s", note=note))
        else:
            parts.append(_("The note was removed."))
    if not parts:
        parts.append(_("%(actor)s saved %(trainee)s's mark.", actor=actor, trainee=trainee))
    return " ".join(parts)


def mark_changes(occurrence_id: int) -> list[MarkChange]:
    """Every mark change of one date, newest first, as sentences (names read in one query)."""
    audits = list(
        db.session.scalars(
            select(LiveMarkAudit)
            .where(LiveMarkAudit.occurrence_id == occurrence_id)
            .order_by(LiveMarkAudit.id.desc())
        )
    )
    ids = {a.user_id for a in audits} | {a.actor_id for a in audits if a.actor_id is not None}
    names = {
        u.id: u.display_name
        for u in (db.session.scalars(select(User).where(User.id.in_(ids))) if ids else [])
    }
    former = _("A former user")
    return [
        MarkChange(
            at=a.created_at,
            when=labelled(a.created_at),
            text=sentence(
                names.get(a.actor_id, former) if a.actor_id is not None else former,
                names.get(a.user_id, former),
                a.before if isinstance(a.before, dict) else {},
                a.after if isinstance(a.after, dict) else {},
            ),
        )
        for a in audits
    ]
