"""Views of the coordination feature: the coverage dashboard, the mentor's own view, the audit log.

The other pages live in views_org, views_mentors, views_helpers and views_match, which add their
routes to the same blueprint.
"""

from __future__ import annotations

from flask import Response, render_template, request, stream_with_context
from flask_babel import gettext as _

from lms_plugin.accounts.current import login_required, require_launch, roles_required
from lms_plugin.accounts.models import Role
from lms_plugin.coordination import audit, certs, charts, dashboard, org
from lms_plugin.coordination.mentor_view import mentor_overview
from lms_plugin.coordination.mentors import refresh_renewal_flags
from lms_plugin.coordination.scope import current_scope
from lms_plugin.coordination.web import (
    bp,
    int_arg,
    page_arg,
    programme_in_view,
    scoped_schools,
    visible_programmes,
)
from lms_plugin.db import db

__all__ = ["bp"]
# Beyond this many schools the page lists only those without a mentor (the CSV has them all).
SCHOOL_ROWS = 200


def _filter() -> dashboard.DashboardFilter | None:
    programme = programme_in_view()
    if programme is None:
        return None
    scope = current_scope()
    return dashboard.DashboardFilter(
        programme_id=programme.id,
        centre_id=int_arg("centre"),
        municipality=request.args.get("municipality", "").strip(),
        field=request.args.get("field", "").strip(),
        centre_ids=scope.centres_of(programme.id),
        tenant=None if scope.everything else scope.tenant,
    )


@bp.get("/", endpoint="dashboard")
@roles_required(Role.COORDINATOR)
def dashboard_page() -> str:
    """Coverage: mentors in training, certified and placed; helpers linked and waiting."""
    refresh_renewal_flags()
    db.session.commit()
    f = _filter()
    if f is None:
        return render_template("coordination/empty.html")
    programme = org.get_programme(f.programme_id)
    assert programme is not None
    cov = dashboard.coverage(f)
    labels = [c.name for c in cov.centres]
    helper_chart = charts.bar_chart(
        _("Peer helpers per centre"),
        labels,
        [
            charts.Series(_("target"), tuple(c.target for c in cov.centres)),
            charts.Series(_("linked"), tuple(c.linked for c in cov.centres)),
            charts.Series(_("waiting"), tuple(c.waiting for c in cov.centres)),
        ],
    )
    school_chart = charts.bar_chart(
        _("Schools and mentors per centre"),
        labels,
        [
            charts.Series(_("mentors placed"), tuple(c.placed for c in cov.centres)),
            charts.Series(_("certified mentors"), tuple(c.certified for c in cov.centres)),
            charts.Series(
                _("schools without a mentor"), tuple(c.without_mentor for c in cov.centres)
            ),
        ],
    )
    return render_template(
        "coordination/dashboard.html",
        programme=programme,
        programmes=visible_programmes(),
        cov=cov,
        f=f,
        centres=org.centres(programme, f.centre_ids),
        municipalities=org.municipalities(programme, f.centre_ids),
        fields=org.vocational_fields(programme),
        helper_chart=helper_chart,
        school_chart=school_chart,
        window=dashboard.EXPIRY_WINDOW_DAYS,
        school_rows=SCHOOL_ROWS,
    )


@bp.get("/coverage.csv")
@roles_required(Role.COORDINATOR)
def dashboard_csv() -> Response:
    """The dashboard's tables as CSV, with the same filters."""
    f = _filter()
    if f is None:
        return Response("", mimetype="text/csv")
    cov = dashboard.coverage(f)
    return Response(
        stream_with_context(dashboard.export(cov)),
        mimetype="text/csv; charset=utf-8",
        headers={"Content-Disposition": "attachment; filename=coverage.csv"},
    )


@bp.get("/audit")
@roles_required(Role.COORDINATOR)
def audit_log() -> str:
    """Who read or changed which helper's data (ids only)."""
    page = page_arg()
    entries, total = audit.audit_page(
        page, helper_id=int_arg("helper"), school_ids=scoped_schools()
    )
    return render_template(
        "coordination/audit.html",
        entries=entries,
        total=total,
        page=page,
        per_page=100,
        helper_id=int_arg("helper"),
    )


@bp.get("/me")
@login_required
def mentor_view() -> str:
    """A mentor's placements, linked helpers (least data) and certificate."""
    launch = require_launch()
    overview = mentor_overview(launch.user)
    db.session.commit()  # the audit rows of the helpers shown
    return render_template("coordination/mentor_view.html", o=overview, certs=certs)


from lms_plugin.coordination import (  # noqa: E402 - they add routes to bp
    views_helpers,
    views_match,
    views_mentors,
    views_org,
)

__all__ += ["views_helpers", "views_match", "views_mentors", "views_org"]
