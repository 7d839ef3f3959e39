"""Small signed, time-limited tokens (itsdangerous with the app's secret key)."""

from __future__ import annotations

from typing import Any

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(str(current_app.secret_key), salt=salt)


def sign(data: dict[str, Any], salt: str) -> str:
    """A URL-safe token carrying `data`."""
    return _serializer(salt).dumps(data)


def unsign(token: str, salt: str, max_age: int) -> dict[str, Any] | None:
    """The data, or None when the token is forged, for another purpose or older than max_age."""
    try:
        data = _serializer(salt).loads(token, max_age=max_age)
    except BadSignature:
        return None
    return data if isinstance(data, dict) else None
