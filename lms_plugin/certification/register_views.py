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
    url_for,
)
from flask_babel import gettext as _
from werkzeug.wrappers import Response as WerkzeugResponse

from lms_plugin import providers
from lms_plugin.accounts.current import require_launch, roles_required
from lms_plugin.accounts.models import Role
from lms_plugin.certification import exports, services
from lms_plugin.certification.lifecycle import LABELS, lifecycle, renewal_window_days
from lms_plugin.certification.models import Certificate
from lms_plugin.certification.register import (
    EXPIRING_DAYS,
    SORTS,
    STATES,
    RegisterFilter,
    iter_rows,
    register_count,
    register_page,
)
from lms_plugin.certification.texts import verify_url
from lms_plugin.certification.views import bp
from lms_plugin.courses.content import all_courses, localized
from lms_plugin.db import db
from lms_plugin.errors import DomainError
from lms_plugin.i18n import select_locale
from lms_plugin.input_guard import parse_int
from lms_plugin.jobs import services as jobs
from lms_plugin.listing import parse_args
from lms_plugin.tabular import Column, export_response, local_day


def _filter() -> RegisterFilter:
    def _int(name: str) -> int | None:
        value = request.args.get(name, "")
        return parse_int(value)

    state = request.args.get("state", "")
    return RegisterFilter(
        state=state if state in STATES else None,
        school_id=_int("school_id"),
        centre_id=_int("centre_id"),
        query=request.args.get("q", "").strip()[:100] or None,
        scope=providers.viewer_scope(),
    )


@bp.get("/certificates")
@roles_required(Role.COORDINATOR)
def register() -> str:
    """Every certificate, a page at a time, filterable by state, centre, school, name or code."""
    filters = _filter()
    args = parse_args(request.args, tuple(SORTS), "-issued")
    return render_template(
        "certification/register.html",
        page=register_page(filters, args),
        args=args,
        filters=filters,
        window=renewal_window_days(),
        expiring_days=EXPIRING_DAYS,
    )


@bp.get("/certificates.csv")
@roles_required(Role.COORDINATOR)
def register_csv() -> Response:
    """The filtered register for a spreadsheet in the reader's language: CSV with the locale's
    separator (UTF-8 with BOM so Excel shows accents), or `?format=xlsx`."""
    filters = _filter()
    lang = select_locale()
    columns = [
        Column(_("Certificate number")),
        Column(_("Holder")),
        Column(_("Course")),
        Column(_("Course version")),
        Column(_("Period")),
        Column(_("Issued")),
        Column(_("Valid until")),
        Column(_("State")),
        Column(_("Reason for revocation")),
        Column(_("Verification link")),
    ]

    titles = {c.id: localized(c.title, lang) for c in all_courses()}  # a title, not a code

    def lines() -> Iterator[list[object]]:
        for row in iter_rows(filters):
            cert = row.cert
            yield [
                cert.code,
                cert.holder_name,
                titles.get(cert.course_id, cert.course_id),
                cert.course_version,
                cert.period_no,
                local_day(cert.issued_at),
                local_day(cert.expires_at),
                str(LABELS.get(row.state, row.state)),
                cert.revoked_reason or "",
                verify_url(cert),
            ]

    # Thousands of rows: the CSV streams them as they are read, never held in memory.
    return export_response(
        "certificates", columns, lines(), lang=lang, fmt=request.args.get("format", "csv")
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
    total = register_count(filters)
    if not total:
        raise DomainError(_("No certificates match this filter."))
    owner_id = require_launch().user.id
    params = exports.zip_params(filters, lang, request.host_url)
    job, _queued = jobs.start_once(
        exports.ZIP_KIND,
        dedupe_key=exports.zip_dedupe_key(owner_id, params),
        owner_id=owner_id,
        params=params,
        total=total,
    )
    return redirect(url_for("jobs.status", job_id=job.id), code=303)


def _revocable(cert_id: int) -> Certificate:
    cert = db.session.get(Certificate, cert_id)
    if cert is None or not providers.may_read_person(require_launch(), cert.user_id):
        abort(404)
    return cert


@bp.route("/certificates/<int:cert_id>/revoke", methods=["GET", "POST"])
@roles_required(Role.COORDINATOR)
def revoke(cert_id: int) -> WerkzeugResponse | str | tuple[str, int]:
    """Revoke with a reason, after a confirmation page that says what it affects.

    A POST without `confirm` (or without a reason) shows the confirmation page again: nothing is
    revoked by a single stray click, with or without JavaScript.
    """
    cert = _revocable(cert_id)
    reason = request.form.get("reason", "").strip()
    if request.method == "GET" or request.form.get("confirm") != "1" or len(reason) < 3:
        status = 200 if request.method == "GET" or request.form.get("confirm") != "1" else 422
        return render_template(
            "certification/revoke_confirm.html",
            cert=cert,
            state=lifecycle(cert.expires_at, cert.revoked_at),
            school=providers.home_schools([cert.user_id]).get(cert.user_id, ""),
            reason=reason,
            missing_reason=status == 422,
        ), status
    launch = require_launch()
    try:
        services.revoke(cert, launch.user, reason)
    except DomainError as exc:
        flash(exc.message, "danger")
        return redirect(url_for("certification.register"))
    db.session.commit()
    flash(_("Certificate %(code)s revoked.", code=cert.code), "success")
    return redirect(url_for("certification.register"))
