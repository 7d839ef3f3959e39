"""Coordinator pages: the certificate register, CSV, ZIP of PDFs, revocation."""

from __future__ import annotations

import csv
import io
import zipfile
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
from lms_plugin.certification import services
from lms_plugin.certification.models import Certificate
from lms_plugin.certification.pdf import render_pdf
from lms_plugin.certification.register import RegisterFilter, register_rows
from lms_plugin.certification.texts import certificate_text, verify_url
from lms_plugin.certification.views import bp
from lms_plugin.db import db
from lms_plugin.errors import DomainError


def _filter() -> RegisterFilter:
    def _int(name: str) -> int | None:
        value = request.args.get(name, "")
        return int(value) if value.isdigit() else None

    state = request.args.get("state", "")
    return RegisterFilter(
        state=state if state in ("valid", "expired", "revoked", "expiring") else None,
        school_id=_int("school_id"),
        centre_id=_int("centre_id"),
        query=request.args.get("q", "").strip()[:100] or None,
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
        out = io.StringIO()
        writer = csv.writer(out)
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
        yield "\ufeff" + out.getvalue()
        for row in register_rows(filters, limit=None):
            out.seek(0)
            out.truncate()
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
            yield out.getvalue()

    return Response(
        stream_with_context(generate()),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="certificates.csv"'},
    )


@bp.get("/certificates.zip")
@roles_required(Role.COORDINATOR)
def register_zip() -> Response:
    """The PDFs of the filtered certificates in one ZIP (one language, ?lang=hu|en)."""
    filters = _filter()
    lang = request.args.get("lang", "hu")
    if lang not in ("hu", "en"):
        lang = "hu"
    rows = register_rows(filters, limit=2000)
    if not rows:
        raise DomainError(_("No certificates match this filter."))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for row in rows:
            cert = row.cert
            safe_name = "".join(ch if ch.isalnum() else "_" for ch in cert.holder_name)[:60]
            archive.writestr(
                f"{safe_name}-{cert.code}-{lang}.pdf", render_pdf(certificate_text(cert, lang))
            )
    return Response(
        buffer.getvalue(),
        mimetype="application/zip",
        headers={"Content-Disposition": 'attachment; filename="certificates.zip"'},
    )


@bp.post("/certificates/<int:cert_id>/revoke")
@roles_required(Role.COORDINATOR)
def revoke(cert_id: int) -> WerkzeugResponse:
    """Revoke with a reason."""
    cert = db.session.get(Certificate, cert_id)
    if cert is None:
        abort(404)
    launch = require_launch()
    try:
        services.revoke(cert, launch.user, request.form.get("reason", ""))
    except DomainError as exc:
        flash(exc.message, "danger")
        return redirect(url_for("certification.register"))
    db.session.commit()
    flash(_("Certificate %(code)s revoked.", code=cert.code), "success")
    return redirect(url_for("certification.register"))
