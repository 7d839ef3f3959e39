"""Outcome pages: the dashboard (coverage beside outcomes), entry, CSV import, the report."""

from __future__ import annotations

import base64
import binascii
from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response as WerkzeugResponse

from lms_plugin.accounts.current import require_launch, roles_required
from lms_plugin.accounts.models import Role
from lms_plugin.coordination.models import Programme, School
from lms_plugin.coordination.scope import current_scope, require_school
from lms_plugin.coordination.web import programme_in_view, visible_programmes
from lms_plugin.db import db
from lms_plugin.errors import DomainError, NotFound
from lms_plugin.service import choices
from lms_plugin.service.forms import OutcomeForm, OutcomeImportForm
from lms_plugin.service.models import OutcomeFigures
from lms_plugin.service.outcomes import services as outcomes
from lms_plugin.service.outcomes.figures import year_figures
from lms_plugin.service.suppression import SMALL_COUNT, show
from lms_plugin.service.web import bp, int_arg

Page = str | tuple[str, int] | WerkzeugResponse
MAX_IMPORT_BYTES = 5 * 1024 * 1024
MANY_SCHOOLS = 200  # above this, the page lists schools per centre only (the .xlsx has them all)


def school_year_arg() -> str:
    wanted = request.values.get("year", "")
    return wanted if choices.year_bounds(wanted) else choices.school_year_of(date.today())


def _programme() -> Programme:
    programme = programme_in_view()
    if programme is None:
        raise NotFound(_("No programme is in your scope yet."))
    return programme


def _allowed_schools(programme: Programme) -> set[int]:
    scope = current_scope()
    return set(
        db.session.scalars(
            select(School.id).where(
                School.programme_id == programme.id, School.id.in_(scope.schools())
            )
        )
    )


def change(before: int, after: int, before_schools: int, after_schools: int) -> str:
    """The change between terms, only when both figures may be shown."""
    if not (before_schools and after_schools):
        return "–"
    if show(before) != str(before) or show(after) != str(after):
        return "–"
    return f"{after - before:+d}"


@bp.get("/outcomes")
@roles_required(Role.COORDINATOR)
def outcomes_dashboard() -> str:
    """Coverage and outcomes per centre and school, drilling down from the scope to a school."""
    programme = _programme()
    scope = current_scope()
    centres = scope.centres_of(programme.id)
    centre_id = int_arg("centre")
    if centre_id is not None:
        if centres is not None and centre_id not in centres:
            raise NotFound(_("This training centre does not exist."))
        centres = frozenset({centre_id})
    school_id = int_arg("school")
    if school_id is not None:
        require_school(db.get_or_404(School, school_id))
    figures = year_figures(programme, school_year_arg(), centre_ids=centres, school_id=school_id)
    return render_template(
        "service/outcomes.html",
        f=figures,
        programmes=visible_programmes(),
        programme=programme,
        centre_id=centre_id,
        school_id=school_id,
        show=show,
        change=change,
        small=SMALL_COUNT,
        many=MANY_SCHOOLS,
        import_form=OutcomeImportForm(),
        choices=choices,
    )


@bp.route("/outcomes/entry", methods=["GET", "POST"])
@roles_required(Role.COORDINATOR)
def outcome_entry() -> Page:
    """Enter or correct one school's indicators for one term."""
    school_id = int_arg("school")
    if school_id is None:
        raise NotFound(_("This school does not exist."))
    school = require_school(db.get_or_404(School, school_id))
    term = request.values.get("term", "")
    if not outcomes.valid_term(term):
        term = outcomes.terms_of(choices.school_year_of(date.today()))[0]
    existing = db.session.scalar(
        select(OutcomeFigures).where(
            OutcomeFigures.school_id == school.id, OutcomeFigures.term == term
        )
    )
    form = OutcomeForm(obj=existing if request.method == "GET" else None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.validate_on_submit():
            try:
                outcomes.save(
                    school,
                    term,
                    outcomes.Figures(
                        enrolled=form.enrolled.data or 0,
                        at_risk=form.at_risk.data or 0,
                        avg_unjustified_absence=float(form.avg_unjustified_absence.data or 0),
                        grade_repetitions=form.grade_repetitions.data or 0,
                        left_school=form.left_school.data or 0,
                    ),
                    require_launch().user,
                )
            except DomainError as err:
                db.session.rollback()
                flash(err.message, "error")
            else:
                db.session.commit()
                flash(_("Saved."), "success")
                return redirect(
                    url_for(
                        "service.outcomes_dashboard",
                        programme=school.programme_id,
                        school=school.id,
                    ),
                    code=303,
                )
    return render_template("service/outcome_form.html", form=form, school=school, term=term), status


@bp.post("/outcomes/import")
@roles_required(Role.COORDINATOR)
def outcomes_import() -> tuple[str, int]:
    """Check an uploaded CSV and show the preview or the bad rows; nothing is saved yet."""
    programme = _programme()
    form = OutcomeImportForm()
    if not form.validate_on_submit():
        raise DomainError(_("Choose a CSV file to import."), status_code=422)
    data = form.file.data.read(MAX_IMPORT_BYTES + 1)
    if len(data) > MAX_IMPORT_BYTES:
        raise DomainError(_("The file is larger than 5 MB."), status_code=413)
    parsed = outcomes.parse(programme, data, _allowed_schools(programme))
    return render_template(
        "service/outcomes_preview.html",
        programme=programme,
        parsed=parsed,
        payload=base64.b64encode(data).decode(),
        filename=form.file.data.filename,
    ), (422 if parsed.errors else 200)


@bp.post("/outcomes/import/confirm")
@roles_required(Role.COORDINATOR)
def outcomes_import_confirm() -> WerkzeugResponse:
    """Write the previewed file: every row, or none."""
    programme = _programme()
    try:
        data = base64.b64decode(request.form.get("payload", ""), validate=True)
    except (binascii.Error, ValueError):
        raise DomainError(
            _("The import could not be read; upload the file again."), status_code=400
        ) from None
    parsed = outcomes.apply(programme, data, _allowed_schools(programme), require_launch().user)
    db.session.commit()
    flash(
        _("Imported: %(c)d new and %(u)d updated rows.", c=parsed.created, u=parsed.updated),
        "success",
    )
    return redirect(url_for("service.outcomes_dashboard", programme=programme.id), code=303)


@bp.post("/report")
@roles_required(Role.COORDINATOR)
def report() -> WerkzeugResponse:
    """Queue the year report for the view's scope (lang hu/en, fmt pdf/xlsx); the job page polls."""
    from lms_plugin.jobs import services as jobs
    from lms_plugin.service.outcomes import report as year_report

    programme = _programme()
    lang = request.values.get("lang", "hu")
    fmt = request.values.get("fmt", "pdf")
    if lang not in ("hu", "en") or fmt not in year_report.FORMATS:
        raise DomainError(_("Choose a language and a format."), status_code=400)
    centre_id, school_id = int_arg("centre"), int_arg("school")
    centres = current_scope().centres_of(programme.id)
    if centre_id is not None and centres is not None and centre_id not in centres:
        raise NotFound(_("This training centre does not exist."))
    if school_id is not None:
        require_school(db.get_or_404(School, school_id))
    job = jobs.enqueue(
        year_report.REPORT_KIND,
        owner_id=require_launch().user.id,
        params=year_report.params(
            current_scope(),
            programme.id,
            school_year_arg(),
            centre_id=centre_id,
            school_id=school_id,
            lang=lang,
            fmt=fmt,
            base_url=request.host_url,
        ),
        total=2,
    )
    db.session.commit()
    return redirect(url_for("jobs.status", job_id=job.id), code=303)
