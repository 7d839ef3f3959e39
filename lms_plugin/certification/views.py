"""Certificate pages: the trainee's own, downloads, public verification, Open Badge documents."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from werkzeug.wrappers import Response as WerkzeugResponse

from lms_plugin.accounts.current import login_required, require_launch
from lms_plugin.certification import badge, services
from lms_plugin.certification.access import certificate_for_viewer
from lms_plugin.certification.missing import Missing, missing_requirements
from lms_plugin.certification.pdf import render_pdf
from lms_plugin.certification.texts import badge_names, badge_urls, certificate_text
from lms_plugin.db import db
from lms_plugin.extensions import limiter
from lms_plugin.i18n import use_page_locale
from lms_plugin.lti import keys

bp = Blueprint("certification", __name__)


def _verify_limit() -> str:
    return str(current_app.config["VERIFY_RATE_LIMIT"])


@bp.app_context_processor
def _state_labels() -> dict[str, object]:
    return {"state_label": services.state_label}


def _lang(value: str | None) -> str:
    languages: list[str] = current_app.config["LANGUAGES"]
    if value in languages:
        return str(value)
    return str(get_locale() or "hu")


def _missing(user_id: int, course_id: str) -> list[Missing]:
    """Each unmet requirement with its link."""
    from lms_plugin.courses.content import get_course

    return missing_requirements(user_id, get_course(course_id))


@bp.get("/certificate")
@login_required
def mine() -> str:
    """The trainee's certificate: status, what is still open, downloads, history."""
    launch = require_launch()
    course_id = services.DEFAULT_COURSE
    issued = services.check_and_issue(launch.user.id, course_id)
    if issued is not None:
        db.session.commit()
    history = services.certificate_history(launch.user.id, course_id)
    current = history[0] if history else None
    rules = services.rule_report(launch.user.id, course_id)
    missing = _missing(launch.user.id, course_id) if not all(r.met for r in rules) else []
    renewal_open = (
        current is not None and current.revoked_at is None and services.in_renewal_window(current)
    )
    from lms_plugin.courses.content import get_course
    from lms_plugin.progress.services import course_progress

    return render_template(
        "certification/mine.html",
        hours=course_progress(launch.user.id, get_course(course_id)),
        current=current,
        state=services.certificate_state(current) if current else None,
        history=history,
        rules=rules,
        missing=missing,
        renewal_open=renewal_open,
        state_of=services.certificate_state,
    )


@bp.get("/certificate/<int:cert_id>.pdf")
@login_required
def pdf(cert_id: int) -> Response:
    """The PDF in Hungarian or English (?lang=hu|en), always as a download."""
    cert = certificate_for_viewer(cert_id)
    lang = _lang(request.args.get("lang"))
    data = render_pdf(certificate_text(cert, lang))
    filename = f"mentor-certificate-{cert.code}-{lang}.pdf"
    return Response(
        data,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.get("/certificate/<int:cert_id>/badge.jwt")
@login_required
def badge_jwt(cert_id: int) -> Response:
    """The Open Badges 3.0 credential as a signed VC-JWT file."""
    cert = certificate_for_viewer(cert_id)
    lang = _lang(request.args.get("lang"))
    vc = badge.credential(cert, urls=badge_urls(cert), names=badge_names(cert, lang))
    key_url = url_for("certification.key", kid="__KID__", _external=True)
    token = badge.sign(vc, cert, key_url=key_url)
    return Response(
        token,
        mimetype="application/vc+jwt",
        headers={"Content-Disposition": f'attachment; filename="mentor-badge-{cert.code}.jwt"'},
    )


@bp.get("/verify")
@limiter.limit(_verify_limit)
def verify_form() -> WerkzeugResponse | str:
    """A form to type a code from a paper certificate."""
    code = request.args.get("code", "").strip()
    if code:
        return redirect(url_for("certification.verify", code=services.normalise_code(code)))
    return render_template("certification/verify_form.html")


@bp.get("/verify/<code>")
@limiter.limit(_verify_limit)
def verify(code: str) -> tuple[str, int]:
    """Public verification: valid / expired / revoked, least personal data; 404 if unknown."""
    # The printed certificate's QR code carries its language (?lang=hu|en).
    use_page_locale(request.args.get("lang"))
    cert = services.find_by_code(code)
    if cert is None:
        return render_template("certification/verify_unknown.html", code=code[:40]), 404
    from lms_plugin.courses.content import get_course

    return (
        render_template(
            "certification/verify.html",
            cert=cert,
            state=services.certificate_state(cert),
            course=get_course(cert.course_id),
        ),
        200,
    )


@bp.get("/ob/issuer")
def issuer() -> Response:
    """The issuer Profile of the Open Badges."""
    from lms_plugin.courses.content import all_courses, localized

    course = all_courses()[0]
    return jsonify(
        {
            "@context": badge.VC_CONTEXT,
            "id": url_for("certification.issuer", _external=True),
            "type": ["Profile"],
            "name": localized(course.certification.issuer, str(get_locale() or "hu")),
            "url": url_for("main.home", _external=True),
            "publicKey": url_for("lti.jwks", _external=True),
        }
    )


@bp.get("/ob/achievements/<course_id>")
def achievement(course_id: str) -> Response:
    """The Achievement (what a certified mentor has done)."""
    from lms_plugin.courses.content import all_courses, localized

    course = next((c for c in all_courses() if c.id == course_id), None)
    if course is None:
        abort(404)
    lang = str(get_locale() or "hu")
    return jsonify(
        {
            "@context": badge.VC_CONTEXT,
            "id": url_for("certification.achievement", course_id=course_id, _external=True),
            "type": ["Achievement"],
            "name": localized(course.title, lang),
            "description": localized(course.summary, lang),
            "criteria": {"narrative": localized(course.summary, lang)},
        }
    )


@bp.get("/ob/keys/<kid>")
def key(kid: str) -> Response:
    """One public key of the JWKS, so a badge's `kid` header dereferences to a JWK."""
    for item in keys.jwks()["keys"]:
        if item["kid"] == kid:
            return jsonify(item)
    abort(404)


@bp.get("/ob/credentials/<code>")
@limiter.limit(_verify_limit)
def credential(code: str) -> WerkzeugResponse:
    """A credential's id resolves to its verification page."""
    return redirect(url_for("certification.verify", code=code))


@bp.post("/certificate/check")
@login_required
def check() -> WerkzeugResponse:
    """Re-check the rules now (the certificate is also issued automatically on every event)."""
    launch = require_launch()
    cert = services.check_and_issue(launch.user.id, services.DEFAULT_COURSE)
    db.session.commit()
    if cert is not None:
        flash(_("Congratulations! Your mentor certificate has been issued."), "success")
    else:
        flash(_("Some requirements are still open. See the list below."), "info")
    return redirect(url_for("certification.mine"))


from lms_plugin.certification import register_views  # noqa: E402,F401  (coordinator pages)
