"""The coverage dashboard: country → centre → school, the same figures at each level."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _

from lms_plugin.accounts.current import roles_required
from lms_plugin.accounts.models import Role
from lms_plugin.coordination.dashboard import centre_pdf
from lms_plugin.coordination.dashboard import services as dashboard
from lms_plugin.coordination.models import Programme, School, TrainingCentre
from lms_plugin.coordination.organisation import services as org
from lms_plugin.coordination.scope import current_scope
from lms_plugin.coordination.web import bp, int_arg, programme_in_view, visible_programmes
from lms_plugin.db import db
from lms_plugin.errors import NotFound
from lms_plugin.i18n import select_locale
from lms_plugin.tabular import export_response

ATTENTION_ROWS = 10


class _Level:
    """Where the viewer is: the whole programme ("country"), one centre, or one school."""

    def __init__(
        self, programme: Programme, centre: TrainingCentre | None, school: School | None
    ) -> None:
        self.programme = programme
        self.centre = centre
        self.school = school
        self.name = "school" if school else "centre" if centre else "country"


def _level(programme: Programme) -> _Level:
    """?school= or ?centre= of this programme and in the viewer's scope, else 404."""
    scope = current_scope()
    allowed = scope.centres_of(programme.id)
    school_id, centre_id = int_arg("school"), int_arg("centre")
    school = db.session.get(School, school_id) if school_id else None
    if school_id and (
        school is None or school.programme_id != programme.id or not scope.sees_school(school)
    ):
        raise NotFound(_("This school does not exist."))
    centre = (
        school.centre
        if school
        else (db.session.get(TrainingCentre, centre_id) if centre_id else None)
    )
    if (
        centre_id
        and not school
        and (
            centre is None
            or centre.programme_id != programme.id
            or (allowed is not None and centre.id not in allowed)
        )
    ):
        raise NotFound(_("This training centre does not exist."))
    return _Level(programme, centre, school)


def _filter(level: _Level) -> dashboard.DashboardFilter:
    scope = current_scope()
    return dashboard.DashboardFilter(
        programme_id=level.programme.id,
        centre_id=level.centre.id if level.centre else None,
        school_id=level.school.id if level.school else None,
        municipality=request.args.get("municipality", "").strip()[:120],
        field=request.args.get("field", "").strip()[:120],
        centre_ids=scope.centres_of(level.programme.id),
        tenant=None if scope.everything else scope.tenant,
    )


def _rows(level: _Level, cov: dashboard.Coverage) -> list[dashboard.CoverageRow]:
    """The rows one level down: centres of the country, schools of a centre, the school."""
    return cov.centres if level.name == "country" else cov.schools


@bp.get("/", endpoint="dashboard")
@roles_required(Role.COORDINATOR)
def dashboard_page() -> str:
    """Coverage at one level, what needs attention first, and the way down to a school.

    Reads only: renewal flags are kept current where certificates change (`renewal_job`)."""
    programme = programme_in_view()
    if programme is None:
        return render_template("coordination/empty.html")
    level = _level(programme)
    f = _filter(level)
    cov = dashboard.coverage(f)
    rows = _rows(level, cov)
    scope_centres = current_scope().centres_of(programme.id)
    return render_template(
        "coordination/dashboard.html",
        programme=programme,
        programmes=visible_programmes(),
        level=level,
        cov=cov,
        rows=rows,
        attention=dashboard.needing_attention(rows, ATTENTION_ROWS),
        f=f,
        municipalities=org.municipalities(programme, scope_centres),
        fields=org.vocational_fields(programme),
        window=dashboard.EXPIRY_WINDOW_DAYS,
    )


@bp.get("/coverage.json")
@roles_required(Role.COORDINATOR)
def dashboard_json() -> Response:
    """The chart's data (the rows needing attention at this level) for Chart.js."""
    programme = programme_in_view()
    if programme is None:
        return jsonify({"labels": [], "datasets": []})
    level = _level(programme)
    cov = dashboard.coverage(_filter(level))
    shown = dashboard.needing_attention(_rows(level, cov), ATTENTION_ROWS)
    data: dict[str, Any] = {
        "title": _("Peer helpers where attention is needed first"),
        "labels": [r.name for r in shown],
        "datasets": [
            {"label": _("helpers linked"), "data": [r.linked for r in shown]},
            {"label": _("helpers waiting"), "data": [r.waiting for r in shown]},
        ],
        "axis": _("peer helpers"),
    }
    return jsonify(data)


@bp.get("/coverage.csv")
@roles_required(Role.COORDINATOR)
def dashboard_csv() -> Response:
    """The dashboard's tables for a spreadsheet, with the same filters: CSV in the reader's
    convention, or `?format=xlsx`."""
    programme = programme_in_view()
    if programme is None:
        return Response("", mimetype="text/csv")
    cov = dashboard.coverage(_filter(_level(programme)))
    return export_response(
        "coverage",
        dashboard.export_columns(),
        dashboard.export_rows(cov),
        lang=select_locale(),
        fmt=request.args.get("format", "csv"),
    )


@bp.get("/centre-report.pdf")
@roles_required(Role.COORDINATOR)
def centre_report_pdf() -> Response:
    """One centre's figures and its ten schools needing attention first, as a one-page PDF in
    the viewer's language (?centre= in the viewer's scope, else 404)."""
    programme = programme_in_view()
    if programme is None:
        raise NotFound(_("This programme does not exist."))
    level = _level(programme)
    if level.centre is None or level.school is not None:
        raise NotFound(_("This training centre does not exist."))
    cov = dashboard.coverage(_filter(level))
    report = centre_pdf.build(programme.name, level.centre.name, cov, str(get_locale() or "hu"))
    return Response(
        centre_pdf.render_pdf(report),
        mimetype="application/pdf",
        headers={"Content-Disposition": f"inline; filename={centre_pdf.filename(report)}"},
    )
