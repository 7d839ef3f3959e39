"""The service blueprint and what its views share."""

from __future__ import annotations

from flask import Blueprint, request

from lms_plugin.accounts.current import require_launch
from lms_plugin.input_guard import positive_int
from lms_plugin.service.mentor import MentorDesk, require_desk

bp = Blueprint("service", __name__, url_prefix="/service")


def int_arg(name: str) -> int | None:
    return positive_int(request.values.get(name, ""))


def desk() -> MentorDesk:
    """The current user's mentor desk (403 with the reason for anyone else)."""
    return require_desk(require_launch().user)
