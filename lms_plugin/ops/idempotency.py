"""Idempotent creates: a form carries a one-time token; the first request to send it creates.

The token row is inserted before the object, in the same transaction: a second request with the
same token waits on the primary key (PostgreSQL) or the write lock (SQLite) until the first
commits, then finds the token taken and answers with what the first request made.
"""

from __future__ import annotations

import re
import secrets
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from lms_plugin.db import db, utcnow
from lms_plugin.ops.models import FormToken

_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
KEEP_DAYS = 2


def new_token() -> str:
    """A token for a create form being rendered."""
    return secrets.token_urlsafe(24)


class AlreadyDone(Exception):
    """This form was already sent; `object_id` is what the first request created (None while
    that request is still running or when it failed)."""

    def __init__(self, object_id: int | None) -> None:
        super().__init__(object_id)
        self.object_id = object_id


def claim(token: str | None, *, user_id: int, kind: str) -> FormToken | None:
    """Claim the token for this request (commits nothing); raises AlreadyDone if it was claimed.

    A missing or malformed token (an old page, a script) is not refused: the create goes ahead
    without the double-click protection, as before.
    """
    if not token or not _TOKEN.match(token):
        return None
    row = FormToken(token=token, user_id=user_id, kind=kind)
    try:
        db.session.add(row)
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        existing = db.session.scalar(
            select(FormToken).where(
                FormToken.token == token, FormToken.user_id == user_id, FormToken.kind == kind
            )
        )
        raise AlreadyDone(existing.object_id if existing else None) from None
    return row


def fulfil(row: FormToken | None, object_id: int) -> None:
    """Record what the claimed token created (flush)."""
    if row is not None:
        row.object_id = object_id
        db.session.flush()


def prune(days: int = KEEP_DAYS) -> int:
    """Forget tokens older than `days` (flush); returns how many."""
    result = db.session.execute(
        delete(FormToken).where(FormToken.created_at < utcnow() - timedelta(days=days))
    )
    return int(getattr(result, "rowcount", 0) or 0)
