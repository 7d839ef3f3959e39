"""The grant picker of the coordinators page: suggestions as JSON for the combobox, and the page
that asks again when a typed text names no programme or centre, or several (no JavaScript).

The coordinators page renders one text field per person instead of a list of every centre (at
100 centres that list made the page 0.5 MB); the browser asks for the few centres that match.
"""

from __future__ import annotations

from flask import jsonify, render_template, request
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from lms_plugin.accounts.current import CurrentLaunch, require_launch, roles_required
from lms_plugin.accounts.models import Role, User
from lms_plugin.admin import grant_targets
from lms_plugin.admin.views import bp
from lms_plugin.coordination import grants
from lms_plugin.listing import MAX_QUERY


def grantable_ids(launch: CurrentLaunch) -> list[int]:
    """The programmes this administrator may grant: their tenant's (all for tool admins)."""
    return [p.id for p in grants.programmes_of_tenant(launch.tenant, launch.is_tool_admin)]


@bp.get("/coordinators/grant-targets.json")
@roles_required(Role.ADMIN)
def grant_targets_json() -> Response:
    """Up to 20 programmes and centres matching ?q (accents ignored, Hungarian order); `more`:
    there are others, type more. An empty or unmatched text: no items."""
    term = request.args.get("q", "")[:MAX_QUERY]
    found = grant_targets.find(term, grantable_ids(require_launch()))
    return jsonify({"items": [t.as_json() for t in found.candidates], "more": found.more})


def ask_again(
    user: User, text: str, found: grant_targets.Resolution, *, status: int = 422
) -> tuple[str, int]:
    """The grant form for one person again, with why the typed text was not enough and, when
    several match, the candidates as buttons."""
    text = " ".join(text[:MAX_QUERY].split())
    if not text:
        error = _("Type the name, code or town of a training centre, or a programme's name.")
    elif found.candidates:
        error = _("Several programmes or training centres match “%(q)s”: choose one.", q=text)
    else:
        error = _("No programme or training centre matches “%(q)s”.", q=text)
    page = render_template(
        "admin/grant_choose.html", user=user, text=text, error=error, found=found
    )
    return page, status
