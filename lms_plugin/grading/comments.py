"""Each marker's bank of reusable comments."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select

from lms_plugin.accounts.models import User
from lms_plugin.db import db
from lms_plugin.errors import DomainError, NotFound
from lms_plugin.grading.models import CommentBankEntry

MAX_ENTRIES = 200
MAX_LENGTH = 2000


def bank(owner: User) -> list[CommentBankEntry]:
    """The marker's comments, oldest first."""
    return list(
        db.session.scalars(
            select(CommentBankEntry)
            .where(CommentBankEntry.owner_id == owner.id)
            .order_by(CommentBankEntry.id)
        )
    )


def add_comment(owner: User, text: str) -> CommentBankEntry:
    """Keep a comment for reuse (duplicates are returned, not stored twice)."""
    text = text.replace("\x00", "").strip()
    if not text:
        raise DomainError(_("Write the comment first."), status_code=422)
    if len(text) > MAX_LENGTH:
        raise DomainError(
            _("A saved comment can be at most %(n)d characters.", n=MAX_LENGTH), status_code=422
        )
    existing = db.session.scalar(
        select(CommentBankEntry).where(
            CommentBankEntry.owner_id == owner.id, CommentBankEntry.text == text
        )
    )
    if existing is not None:
        return existing
    count = db.session.scalar(
        select(func.count())
        .select_from(CommentBankEntry)
        .where(CommentBankEntry.owner_id == owner.id)
    )
    if (count or 0) >= MAX_ENTRIES:
        raise DomainError(
            _("Your comment bank is full; delete some comments first."), status_code=422
        )
    entry = CommentBankEntry(owner_id=owner.id, text=text)
    db.session.add(entry)
    db.session.flush()
    return entry


def delete_comment(owner: User, entry_id: int) -> None:
    """Delete one of the marker's own comments (others' are NotFound)."""
    entry = db.session.get(CommentBankEntry, entry_id)
    if entry is None or entry.owner_id != owner.id:
        raise NotFound(_("There is no such saved comment."))
    db.session.delete(entry)
    db.session.flush()
