"""Pages for programmes, training centres and schools, with the CSV import and export."""

from __future__ import annotations

import base64
import binascii

from flask import (
    Response,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from werkzeug.wrappers import Response as WerkzeugResponse

from lms_plugin.accounts.current import require_launch, roles_required
from lms_plugin.accounts.models import Role
from lms_plugin.coordination.grants import grant_programme
from lms_plugin.coordination.organisation import csv_import as csv_org
from lms_plugin.coordination.organisation import import_job
from lms_plugin.coordination.organisation import services as org
from lms_plugin.coordination.organisation.forms import ImportForm, ProgrammeForm
from lms_plugin.coordination.scope import current_scope
from lms_plugin.coordination.web import bp, int_arg, programme_in_view, visible_programmes
from lms_plugin.db import db
from lms_plugin.errors import DomainError, Forbidden
from lms_plugin.i18n import select_locale
from lms_plugin.listing import parse_args
from lms_plugin.tabular import export_response

MAX_IMPORT_BYTES = 5 * 1024 * 1024


@bp.get("/schools")
@roles_required(Role.COORDINATOR)
def schools() -> str:
    """Centres and schools of a programme, a page at a time; import, export, a new programme."""
    programme = programme_in_view()
    centre_id = int_arg("centre")
    centre_ids = current_scope().centres_of(programme.id) if programme else None
    args = parse_args(request.args, tuple(org.SCHOOL_SORTS), "name")
    return render_template(
        "coordination/schools.html",
        programme=programme,
        programmes=visible_programmes(),
        centres=org.centres(programme, centre_ids) if programme else [],
        page=org.school_page(programme, args, centre_id, centre_ids) if programme else None,
        args=args,
        centre_id=centre_id,
        programme_form=ProgrammeForm(),
        import_form=ImportForm(),
    )


@bp.get("/schools/lookup.json")
@roles_required(Role.COORDINATOR)
def schools_lookup() -> Response:
    """Autocomplete: up to 20 schools of the programme in view matching ?q (accents ignored)."""
    programme = programme_in_view()
    term = request.args.get("q", "").strip()
    if programme is None or not term:
        return jsonify([])
    centre_ids = current_scope().centres_of(programme.id)
    found = org.find_schools(programme, term, centre_ids)
    return jsonify([{"id": s.id, "label": org.school_label(s)} for s in found])


@bp.post("/programmes")
@roles_required(Role.COORDINATOR)
def create_programme() -> WerkzeugResponse | tuple[str, int]:
    form = ProgrammeForm()
    if not form.validate_on_submit():
        flash(_("Give the programme a name and the date its year ends."), "error")
        return redirect(url_for("coordination.schools"))
    assert form.year_ends_on.data is not None
    launch = require_launch()
    programme = org.create_programme(
        form.name.data or "", form.school_year.data or "", form.year_ends_on.data, launch.tenant
    )
    # The creator coordinates what they created (in their own tenant).
    grant_programme(launch.user, programme, by=launch.user)
    db.session.commit()
    flash(_("Programme created. Now import its centres and schools."), "success")
    return redirect(url_for("coordination.schools", programme=programme.id))


def _programme_or_error(*, whole: bool = False) -> org.Programme:
    """The programme in view; `whole`: the viewer's scope must cover all of it (imports)."""
    programme = programme_in_view()
    if programme is None:
        raise DomainError(_("Create a programme first."), status_code=409)
    if whole and current_scope().centres_of(programme.id) is not None:
        raise Forbidden(
            _("Only a coordinator of the whole programme can import its centres and schools.")
        )
    return programme


@bp.post("/schools/import")
@roles_required(Role.COORDINATOR)
def import_preview() -> tuple[str, int] | str:
    """Check the file and show what would change; nothing is saved yet."""
    programme = _programme_or_error(whole=True)
    form = ImportForm()
    if not form.validate_on_submit():
        raise DomainError(_("Choose a CSV file to import."), status_code=422)
    data = form.file.data.read(MAX_IMPORT_BYTES + 1)
    if len(data) > MAX_IMPORT_BYTES:
        raise DomainError(_("The file is larger than 5 MB."), status_code=413)
    parsed = csv_org.parse(data)
    status = 422 if parsed.errors else 200
    page = render_template(
        "coordination/import_preview.html",
        programme=programme,
        parsed=parsed,
        summary=None if parsed.errors else csv_org.preview_counts(programme, parsed.rows),
        payload=base64.b64encode(data).decode(),
        filename=form.file.data.filename,
    )
    return page, status


@bp.post("/schools/import/confirm")
@roles_required(Role.COORDINATOR)
def import_confirm() -> WerkzeugResponse:
    """Write the previewed file: every row, or none (a large file in the background)."""
    programme = _programme_or_error(whole=True)
    try:
        data = base64.b64decode(request.form.get("payload", ""), validate=True)
    except (binascii.Error, ValueError):
        raise DomainError(
            _("The import could not be read; upload the file again."), status_code=400
        ) from None
    if len(data) > MAX_IMPORT_BYTES:
        raise DomainError(_("The file is larger than 5 MB."), status_code=413)
    parsed = csv_org.parse(data)
    if not parsed.errors and len(parsed.rows) >= import_job.job_rows():
        job = import_job.start(programme, data, len(parsed.rows), require_launch().user)
        return redirect(url_for("jobs.status", job_id=job.id), code=303)
    summary = csv_org.apply(programme, data)
    db.session.commit()
    flash(
        _(
            "Imported: %(cc)s new and %(cu)s updated centres, "
            "%(sc)s new and %(su)s updated schools.",
            cc=summary.centres_created,
            cu=summary.centres_updated,
            sc=summary.schools_created,
            su=summary.schools_updated,
        ),
        "success",
    )
    return redirect(url_for("coordination.schools", programme=programme.id))


@bp.get("/schools/export.csv")
@roles_required(Role.COORDINATOR)
def schools_export() -> Response:
    programme = _programme_or_error()
    centre_ids = current_scope().centres_of(programme.id)
    # CSV only: the import reads CSV, and this is the file that is edited and imported back.
    return export_response(
        "schools",
        csv_org.export_columns(),
        csv_org.export_rows(programme, centre_ids),
        lang=select_locale(),
        fmt="csv",
    )
