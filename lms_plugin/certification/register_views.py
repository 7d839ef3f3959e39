"""Coordinator pages: the certificate register, CSV, ZIP of PDFs, revocation."""

from __future__ import annotations

from collections.abc import Iterator

from flask import (
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from werkzeug.wrappers import Response as WerkzeugResponse

from lms_plugin.accounts.current import require_launch, roles_required
from lms_plugin.accounts.models import Role
from lms_plugin.certification import exports, services
from lms_plugin.certification.models import Certificate
from lms_plugin.certification.register import RegisterFilter, register_rows
from lms_plugin.certification.texts import verify_url
from lms_plugin.certification.views import bp
from lms_plugin.coordination.scope import current_scope, may_read_person
from lms_plugin.csv_export import BOM, SafeCsv
from lms_plugin.db import db
from lms_plugin.errors import DomainError
from lms_plugin.input_guard import parse_int
from lms_plugin.jobs import services as jobs


def _filter() -> RegisterFilter:
    def _int(name: str) -> int | None:
        value = request.args.get(name, "")
        return parse_int(value)

    state = request.args.get("state", "")
    return RegisterFilter(
        state=state if state in ("valid", "expired", "revoked", "expiring") else None,
        school_id=_int("school_id"),
        centre_id=_int("centre_id"),
        query=request.args.get("q", "").strip()[:100] or None,
        scope=current_scope().params(),
    )


@bp.get("/certificates")
@roles_required(Role.COORDINATOR)
def register() -> str:
    """Every certificate, filterable by state, centre, school and name."""
    filters = _filter()
    rows = register_rows(filters, limit=500)
    return render_template("certification/register.html", rows=rows, filters=filters)


@bp.get("/certificates.csv")
@roles_required(Role.COORDINATOR)
def register_csv() -> Response:
    """The register as CSV (UTF-8 with BOM so Excel shows accents)."""
    filters = _filter()

    def generate() -> Iterator[str]:
        writer = SafeCsv()
        writer.writerow(
            [
                "code",
                "holder",
                "course",
                "version",
                "period",
                "issued",
                "expires",
                "state",
                "revoked_reason",
                "verify_url",
            ]
        )
        yield BOM + writer.take()
        for row in register_rows(filters, limit=None):
            cert = row.cert
            writer.writerow(
                [
                    cert.code,
                    cert.holder_name,
                    cert.course_id,
                    cert.course_version,
                    cert.period_no,
                    cert.issued_at.date().isoformat(),
                    cert.expires_at.date().isoformat(),
                    row.state,
                    cert.revoked_reason or "",
                    verify_url(cert),
                ]
            )
            yield writer.take()

    return Response(
        stream_with_context(generate()),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="certificates.csv"'},
    )


@bp.post("/certificates.zip")
@roles_required(Role.COORDINATOR)
def register_zip() -> WerkzeugResponse:
    """Queue the ZIP of the filtered certificates' PDFs (?lang=hu|en); the job page polls.

    Rendering 2,000 PDFs takes minutes of CPU: the request only enqueues, a background job builds
    the file and its page shows progress and then the download link.
    """
    filters = _filter()
    lang = request.args.get("lang", "hu")
    if lang not in ("hu", "en"):
        lang = "hu"
    total = len(register_rows(filters, limit=None))
    if not total:
        raise DomainError(_("No certificates match this filter."))
    job = jobs.enqueue(
        exports.ZIP_KIND,
        owner_id=require_launch().user.id,
        params=exports.zip_params(filters, lang, request.host_url),
        total=total,
    )
    db.session.commit()
    return redirect(url_for("jobs.status", job_id=job.id), code=303)


@bp.post("/certificates/<int:cert_id>/revoke")
@roles_required(Role.COORDINATOR)
def revoke(cert_id: int) -> WerkzeugResponse:
    """Revoke with a reason."""
    cert = db.session.get(Certificate, cert_id)
    launch = require_launch()
    if cert is None or not may_read_person(launch, cert.user_id):
        abort(404)
    try:
        services.revoke(cert, launch.user, request.form.get("reason", ""))
    except DomainError as exc:
        flash(exc.message, "danger")
        return redirect(url_for("certification.register"))
    db.session.commit()
    flash(_("Certificate %(code)s revoked.", code=cert.code), "success")
    return redirect(url_for("certification.register"))
