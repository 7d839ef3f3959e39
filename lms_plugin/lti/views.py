"""LTI endpoints: OIDC login initiation, the launch (the only redirect URI), resume and the JWKS."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlencode, urlsplit

import jwt as pyjwt
from flask import (
    Blueprint,
    Response,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from pylti1p3.contrib.flask import FlaskOIDCLogin, FlaskRequest
from pylti1p3.exception import LtiException, OIDCException
from werkzeug.wrappers import Response as WerkzeugResponse

from lms_plugin.accounts.current import current_launch
from lms_plugin.db import db
from lms_plugin.extensions import csrf, limiter
from lms_plugin.lti import keys, resume
from lms_plugin.lti.launch import launch_data, launch_storage, validate_launch
from lms_plugin.lti.services import record_launch
from lms_plugin.lti.targets import destination
from lms_plugin.lti.tool_conf import DatabaseToolConf
from lms_plugin.lti.validation import INVALID, UNKNOWN_PLATFORM, LaunchRejected

bp = Blueprint("lti", __name__)
log = logging.getLogger("lms_plugin.lti")
LOGIN_PARAMS = (
    "iss",
    "login_hint",
    "target_link_uri",
    "lti_message_hint",
    "lti_deployment_id",
    "client_id",
)


def _rate_limit() -> str:
    return str(current_app.config["LTI_RATE_LIMIT"])


def tool_urls() -> dict[str, str]:
    """The URLs a Moodle administrator registers."""
    return {
        "login": url_for("lti.login", _external=True),
        "launch": url_for("lti.launch", _external=True),
        "jwks": url_for("lti.jwks", _external=True),
        "register": url_for("lti.register", _external=True),
        "deep_link": url_for("lti.launch", _external=True),
    }


def rejected_page(
    reason: str, *, kind: str = INVALID, status: int = 400, values: dict[str, Any] | None = None
) -> Response:
    """A page a person understands, with the values a Moodle admin needs; the reason is logged."""
    log.warning(
        "launch rejected",
        extra={"data": {"reason": reason, "kind": kind, "path": request.path, **(values or {})}},
    )
    response = Response(
        render_template(
            "lti/rejected.html",
            reason=reason,
            kind=kind,
            values=values or {},
            tool_urls=tool_urls(),
        )
    )
    response.status_code = status
    return response


class ToolOIDCLogin(FlaskOIDCLogin):
    """pylti1p3's login with our cookie-check page (its script is a static file: CSP)."""

    cookie_check_template_name = "lti/cookies_allowed_js_check.html"

    def get_cookies_allowed_js_check(self) -> Response:
        protocol, params = self.get_cookies_allowed_js_check_params()
        return Response(
            render_template(
                self.cookie_check_template_name,
                protocol=protocol,
                params=dict(params),
                new_window_url=url_for("lti.login") + "?" + urlencode(dict(params)),
            )
        )


@bp.route("/lti/login", methods=["GET", "POST"])
@csrf.exempt
@limiter.limit(_rate_limit)
def login() -> Response | WerkzeugResponse:
    """OIDC third-party login initiation: check cookies, then redirect to the platform."""
    params = request.values
    issuer = params.get("iss", "")
    client_id = params.get("client_id")
    values = {
        "issuer": issuer,
        "client_id": client_id or "",
        "deployment_id": params.get("lti_deployment_id", ""),
    }
    if not issuer or not params.get("login_hint"):
        return rejected_page("login without iss or login_hint", values=values)
    target = params.get("target_link_uri", "")
    if target and urlsplit(target).netloc not in ("", request.host):
        return rejected_page(f"target_link_uri {target!r} is not on this tool", values=values)
    tool_conf = DatabaseToolConf()
    platform = tool_conf.find_platform(issuer, client_id)
    if platform is None:
        return rejected_page(
            "unknown issuer or client_id", kind=UNKNOWN_PLATFORM, status=403, values=values
        )
    deployment_id = params.get("lti_deployment_id")
    if deployment_id and deployment_id not in {d.deployment_id for d in platform.deployments}:
        return rejected_page(
            f"unknown deployment_id {deployment_id!r}",
            kind="unknown_deployment",
            status=403,
            values=values,
        )
    oidc = ToolOIDCLogin(FlaskRequest(), tool_conf, launch_data_storage=launch_storage())
    oidc.enable_check_cookies()
    if deployment_id:
        oidc.pass_params_to_launch({"lti_deployment_id": deployment_id})
    try:
        response: Response = oidc.redirect(url_for("lti.launch", _external=True))
    except (OIDCException, LtiException) as exc:
        return rejected_page(str(exc), values=values)
    return response


@bp.post("/lti/launch")
@csrf.exempt
@limiter.limit(_rate_limit)
def launch() -> Response | WerkzeugResponse:
    """The only redirect URI: validate the id_token, log the user in, go on to the target."""
    try:
        message = validate_launch()
        body = launch_data(message)
        result = record_launch(body)
        platform = DatabaseToolConf().find_platform(str(body["iss"]), message.get_client_id())
        assert platform is not None
        deep_link = resume.deep_link_request(body, platform.id)
        resume.establish(result, deep_link)
    except LaunchRejected as exc:
        db.session.rollback()
        return rejected_page(
            exc.reason, kind=exc.kind, status=exc.status, values=_values_from_token()
        )
    except Exception as exc:
        db.session.rollback()
        log.exception("launch failed unexpectedly")
        return rejected_page(f"launch could not be validated: {exc}", values=_values_from_token())
    db.session.commit()
    log.info(
        "launch accepted",
        extra={
            "data": {"user_id": result.user_id, "role": result.role.value, "target": result.target}
        },
    )
    if result.role.value in ("trainer", "admin"):  # roster sync after the response, throttled
        from lms_plugin.lti.nrps import sync_after_launch

        sync_after_launch(result.context_pk)
    token = resume.issue_token(result, deep_link)
    return redirect(url_for("lti.continue_launch", token=token))


@bp.get("/lti/continue/<token>")
def continue_launch(token: str) -> Response | WerkzeugResponse:
    """Did the session cookie come back? Then go on; else offer to resume in a new window."""
    found = resume.peek(token)
    if found is None:
        return rejected_page("resume token unknown or expired", status=400)
    result, _deep_link = found
    here = current_launch()
    if here is not None and here.user.id == result.user_id:
        resume.consume(token)
        return redirect(destination(result))
    log.info("session cookie refused in frame", extra={"data": {"user_id": result.user_id}})
    return Response(
        render_template("lti/new_window.html", resume_url=url_for("lti.resume_launch", token=token))
    )


@bp.get("/lti/resume/<token>")
def resume_launch(token: str) -> Response | WerkzeugResponse:
    """Opened in a new window: set the session there and continue the same launch."""
    found = resume.consume(token)
    if found is None:
        return rejected_page("resume token unknown, expired or already used", status=400)
    result, deep_link = found
    try:
        resume.establish(result, deep_link)
    except LookupError as exc:
        return rejected_page(str(exc), status=400)
    return redirect(destination(result))


def _values_from_token() -> dict[str, str]:
    """Issuer, client and deployment read (unverified) from the token, for the admin."""
    token = request.form.get("id_token", "")
    try:
        body = pyjwt.decode(token, options={"verify_signature": False})
    except pyjwt.PyJWTError:
        return {}
    aud = body.get("aud")
    return {
        "issuer": str(body.get("iss", ""))[:255],
        "client_id": str(aud[0] if isinstance(aud, list) and aud else aud or "")[:255],
        "deployment_id": str(
            body.get("https://purl.imsglobal.org/spec/lti/claim/deployment_id", "")
        )[:255],
    }


@bp.get("/.well-known/jwks.json")
@bp.get("/lti/jwks")
def jwks() -> Response:
    """The tool's public keys: {"keys": [...]}, a kid on every key."""
    response = jsonify(keys.jwks())
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.get("/lti/register")
def register() -> Response:
    """LTI Dynamic Registration 1.0 (see registration_views)."""
    from lms_plugin.lti.registration_views import start_registration

    return start_registration()


@bp.route("/lti/deep-link", methods=["GET", "POST"])
def deep_link_picker() -> Response | WerkzeugResponse:
    """The instructor chooses what to place in the Moodle course (see deep_linking)."""
    from lms_plugin.lti.deep_linking import picker

    return picker()
