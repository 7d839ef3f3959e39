"""The coordination blueprint and what its views share: the programme in view, paging, the actor."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from flask import Blueprint, render_template, request
from sqlalchemy import Select, select

from lms_plugin.accounts.current import current_launch, require_launch
from lms_plugin.accounts.models import User
from lms_plugin.coordination.models import Programme, School
from lms_plugin.coordination.organisation import services as org
from lms_plugin.coordination.scope import administrators_of, current_scope, require_programme
from lms_plugin.db import db
from lms_plugin.input_guard import positive_int

bp = Blueprint("coordination", __name__, url_prefix="/coordination")


def actor() -> User:
    return require_launch().user


def int_arg(name: str, source: dict[str, str] | None = None) -> int | None:
    """A positive integer from the query string (or a form), else None."""
    raw = (source if source is not None else request.args).get(name, "")
    return positive_int(raw)  # ASCII digits within an id's range: "²" and 2**63 are None


def page_arg() -> int:
    return int_arg("page") or 1


def programme_in_view() -> Programme | None:
    """?programme=<id> (if in the viewer's scope, else 404), else the newest one in scope."""
    wanted = int_arg("programme") or int_arg("programme", request.form)
    if wanted:
        found = org.get_programme(wanted)
        return require_programme(found) if found is not None else None
    return db.session.scalar(
        select(Programme)
        .where(Programme.id.in_(current_scope().programmes()))
        .order_by(Programme.id.desc())
        .limit(1)
    )


def visible_programmes() -> list[Programme]:
    """The programmes in the viewer's scope, newest first."""
    return list(
        db.session.scalars(
            select(Programme)
            .where(Programme.id.in_(current_scope().programmes()))
            .order_by(Programme.id.desc())
        )
    )


def scoped_schools() -> Select[int] | None:
    """The schools in the viewer's scope (None: every school)."""
    scope = current_scope()
    return None if scope.everything else scope.schools()


# Pages that do not need a coordination scope (a mentor's own view).
_UNSCOPED = {"coordination.mentor_view"}


@bp.before_request
def _require_scope() -> tuple[str, int] | None:
    """A coordinator with no programme or centre granted sees a message saying whom to ask."""
    launch = current_launch()
    if launch is None or not launch.is_coordinator or request.endpoint in _UNSCOPED:
        return None  # the views' own checks answer (401/403)
    scope = current_scope()
    if not scope.is_empty:
        return None
    return render_template(
        "coordination/no_scope.html", admins=administrators_of(scope.tenant)
    ), 403


@bp.app_template_global()
def coordination_pages(total: int, per_page: int) -> int:
    """How many pages a list has."""
    return max(1, -(-total // per_page))


@dataclass(frozen=True)
class SchoolChoice:
    """A school picker's answer: the school chosen, or the schools the typed text matches."""

    school: School | None
    text: str
    candidates: list[School]


def school_choice(
    programme: Programme | None, field: str = "school", source: Mapping[str, str] | None = None
) -> SchoolChoice:
    """Read a school picker: `<field>` (an id, set by the autocomplete or a link) wins, else the
    text typed in `<field>_q`; one match is taken, several are offered to choose from (no JS)."""
    values = source if source is not None else request.args
    school_id = int_arg(field, dict(values))
    text = (values.get(f"{field}_q") or "").strip()[:100]
    scope = current_scope()
    if school_id:
        school = db.session.get(School, school_id)
        if school is not None and scope.sees_school(school):
            return SchoolChoice(school, org.school_label(school), [])
    if programme is None or not text:
        return SchoolChoice(None, text, [])
    found = org.find_schools(programme, text, scope.centres_of(programme.id), limit=11)
    if len(found) == 1:
        return SchoolChoice(found[0], org.school_label(found[0]), [])
    return SchoolChoice(None, text, found)
