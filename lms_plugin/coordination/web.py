"""The coordination blueprint and what its views share: the programme in view, paging, the actor."""

from __future__ import annotations

from flask import Blueprint, request

from lms_plugin.accounts.current import require_launch
from lms_plugin.accounts.models import User
from lms_plugin.coordination import org
from lms_plugin.coordination.models import Programme

bp = Blueprint("coordination", __name__, url_prefix="/coordination")


def actor() -> User:
    return require_launch().user


def int_arg(name: str, source: dict[str, str] | None = None) -> int | None:
    """A positive integer from the query string (or a form), else None."""
    raw = (source if source is not None else request.args).get(name, "")
    return int(raw) if raw.isdigit() and int(raw) > 0 else None


def page_arg() -> int:
    return int_arg("page") or 1


def programme_in_view() -> Programme | None:
    """?programme=<id>, else the newest programme."""
    return org.get_programme(int_arg("programme") or int_arg("programme", request.form))


@bp.app_template_global()
def coordination_pages(total: int, per_page: int) -> int:
    """How many pages a list has."""
    return max(1, -(-total // per_page))
