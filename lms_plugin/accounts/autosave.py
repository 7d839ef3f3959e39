"""Autosave: what a user types into a form, kept per user and form until it is saved for real."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select

from lms_plugin.accounts.models import Autosave
from lms_plugin.db import db, utcnow

MAX_FIELDS = 50
MAX_FIELD_CHARS = 100_000


def parse(body: Any) -> tuple[str, dict[str, str]]:
    """The key and fields of an autosave request; ValueError when malformed."""
    if not isinstance(body, dict):
        raise ValueError("not an object")
    key, data = body.get("key"), body.get("data")
    if not isinstance(key, str) or not key or len(key) > 200 or not key.startswith("/"):
        raise ValueError("bad key")
    if not isinstance(data, dict) or len(data) > MAX_FIELDS:
        raise ValueError("bad data")
    fields: dict[str, str] = {}
    for name, value in data.items():
        if not isinstance(value, str) or len(name) > 100 or len(value) > MAX_FIELD_CHARS:
            raise ValueError("bad field")
        if "\x00" in value or "\x00" in name:
            raise ValueError("NUL")
        fields[name] = value
    return key, fields


def store(user_id: int, key: str, data: dict[str, str]) -> None:
    """Keep the fields (an empty dict forgets them). Flushes."""
    row = db.session.scalar(
        select(Autosave).where(Autosave.user_id == user_id, Autosave.key == key)
    )
    if not data:
        if row is not None:
            db.session.delete(row)
        db.session.flush()
        return
    if row is None:
        row = Autosave(user_id=user_id, key=key)
        db.session.add(row)
    row.data = json.dumps(data, ensure_ascii=False)
    row.updated_at = utcnow()
    db.session.flush()


def load(user_id: int, key: str) -> tuple[dict[str, str], datetime] | None:
    """The saved fields and when they were saved, or None."""
    row = db.session.scalar(
        select(Autosave).where(Autosave.user_id == user_id, Autosave.key == key[:200])
    )
    if row is None:
        return None
    data = json.loads(row.data)
    return (data if isinstance(data, dict) else {}), row.updated_at


def forget_all(user_id: int) -> None:
    """Drop every autosave of the user (flush)."""
    db.session.execute(delete(Autosave).where(Autosave.user_id == user_id))
    db.session.flush()
