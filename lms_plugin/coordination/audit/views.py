"""The audit log page: filters by action, actor and dates; local times; readable actions."""

from __future__ import annotations

from datetime import date

from flask import render_template, request

from lms_plugin.accounts.current import roles_required
from lms_plugin.accounts.models import Role
from lms_plugin.coordination.audit import details
from lms_plugin.coordination.audit import services as audit
from lms_plugin.coordination.web import actor, bp, int_arg, scoped_schools
from lms_plugin.i18n import programme_zone
from lms_plugin.listing import parse_args

PER_PAGE = 100


def _day(name: str) -> date | None:
    """A yyyy-mm-dd date from the query string, else None (never an error)."""
    raw = request.args.get(name, "").strip()
    try:
        return date.fromisoformat(raw) if len(raw) == 10 else None
    except ValueError:
        return None


@bp.get("/audit")
@roles_required(Role.COORDINATOR)
def audit_log() -> str:
    """Who read or changed which helper's data (ids only)."""
    zone = programme_zone()
    args = parse_args(request.args, ("at",), "-at", per_page=PER_PAGE)
    action = request.args.get("action", "")
    f = audit.AuditFilter(
        helper_id=int_arg("helper"),
        action=action if action in audit.ACTION_LABELS else "",
        actor=request.args.get("actor", "").strip()[:100],
        since=_day("since"),
        until=_day("until"),
        school_ids=scoped_schools(),
        viewer_id=actor().id,
    )
    return render_template(
        "coordination/audit.html",
        page=audit.audit_page(f, args, zone),
        f=f,
        actions=audit.ACTION_LABELS,
        action_label=audit.action_label,
        detail_text=details.readable,
        zone=zone,
    )
