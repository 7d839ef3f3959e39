"""Values to JSON and back, driven by the column's type, so a dump is portable between backends."""

from __future__ import annotations

import base64
import uuid
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Column, TypeDecorator


def encode(value: Any) -> Any:
    """A JSON-safe form of a value read from the database."""
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def python_type(column: Column[Any]) -> type | None:
    """The Python type a column holds, None when the type does not say (JSON, custom types)."""
    kind = column.type
    if isinstance(kind, TypeDecorator):  # e.g. UTCDateTime: the stored type says
        kind = kind.impl_instance
    try:
        return kind.python_type
    except NotImplementedError:
        return None


def decode(column: Column[Any], value: Any) -> Any:
    """The value to insert into `column`, from its JSON form."""
    if value is None:
        return None
    kind = python_type(column)
    if kind is datetime:
        return datetime.fromisoformat(value)
    if kind is date:
        return date.fromisoformat(value)
    if kind is time:
        return time.fromisoformat(value)
    if kind is bytes:
        return base64.b64decode(value)
    if kind is Decimal:
        return Decimal(value)
    if kind is timedelta:
        return timedelta(seconds=float(value))
    if kind is uuid.UUID:
        return uuid.UUID(value)
    return value
