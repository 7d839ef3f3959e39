"""LTI endpoints: OIDC login initiation, the launch (the only redirect URI), resume and the JWKS."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any, ParamSpec
from urllib.parse import parse_qs, urlencode, urlsplit

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
from flask_babel import gettext as _
from pylti1p3.contrib.flask import FlaskOIDCLogin, FlaskRequest
from pylti1p3.exception import LtiException, OIDCException
from werkzeug.wrappers import Response as WerkzeugResponse

from lms_plugin.accounts.current import current_launch
from lms_plugin.db import db
from lms_plugin.extensions import csrf, limiter
from lms_plugin.logging_setup import redact_path
from lms_plugin.lti import keys, resume, throttle
from lms_plugin.lti.launch import launch_data, launch_storage, validate_launch
from lms_plugin.lti.platforms import on_issuer_site
from lms_plugin.lti.services import record_launch
from lms_plugin.lti.targets import destination
from lms_plugin.lti.tool_conf import DatabaseToolConf, deployment_of
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


P = ParamSpec("P")
COUNTED = ("lti.login", "lti.launch")  # their refusals count towards the failure limits


def _register_rate_limit() -> str:
    return str(current_app.config.get("LTI_REGISTER_RATE_LIMIT") or "10 per minute")


def refuse_floods(view: Callable[P, Any]) -> Callable[P, Any]:
    """Limiter for login and launch: 429 (before any lookup or signature check) for an address
    or issuer with too many recent failures, except a launch whose state our login issued."""

    @wraps(view)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> Any:
        if request.endpoint == "lti.launch":
            if throttle.state_was_issued(request.form.get("state", "")):
                return view(*args, **kwargs)
            issuer = None
        else:
            issuer = request.values.get("iss", "")[:255] or None
        if throttle.is_blocked(issuer):
            log.warning(
                "lti request refused: too many failures",
                extra={"data": {"path": request.path, "address": throttle.client_address()}},
            )
            return throttle.too_many()
        return view(*args, **kwargs)

    return wrapped


@bp.after_request
def _bind_launch_to_browser(response: Response) -> Response:
    """The launch response carries the nonce cookie its resume token is bound to."""
    if request.endpoint == "lti.launch":
        resume.set_nonce_cookie(response)
    return response


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
    """A page a person understands, with the values a Moodle admin needs; the reason is logged.

    A refused login or launch counts towards the failure limits (see lti.throttle)."""
    log.warning(
        "launch rejected",
        extra={
            "data": {
                "reason": reason,
                "kind": kind,
                "path": redact_path(request.path),
                **(values or {}),
            }
        },
    )
    if request.endpoint in COUNTED:
        throttle.record_failure((values or {}).get("issuer") or None)
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
@refuse_floods
def login() -> Response | WerkzeugResponse:
    """OIDC third-party login initiation: check cookies, then redirect to the platform.

    It redirects only to the authentication URL of the ACTIVE registration named by iss and
    client_id (without client_id: the issuer's only active registration), and only when that URL
    is on the issuer's own site: it is not an open redirector."""
    params = request.values
    issuer = params.get("iss", "")[:255]
    client_id = params.get("client_id", "")[:255] or None
    values = {
        "issuer": issuer,
        "client_id": client_id or "",
        "deployment_id": params.get("lti_deployment_id", "")[:255],
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
            "unknown issuer or client_id, or the registration is not active",
            kind=UNKNOWN_PLATFORM,
            status=403,
            values=values,
        )
    if not on_issuer_site(platform.issuer, platform.auth_login_url):
        return rejected_page(
            "the registration's authentication URL is not on the issuer's site",
            kind=UNKNOWN_PLATFORM,
            status=403,
            values=values,
        )
    deployment_id = params.get("lti_deployment_id")
    if deployment_id and deployment_of(platform, deployment_id) is None:
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
    _remember_issued_state(response)
    return response


def _remember_issued_state(response: Response) -> None:
    """The state in our redirect to the platform: its launch passes the failure limits."""
    location = response.headers.get("Location", "")
    for state in parse_qs(urlsplit(location).query).get("state", [])[:1]:
        throttle.remember_state(state)


@bp.post("/lti/launch")
@csrf.exempt
@refuse_floods
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
    except Exception:
        db.session.rollback()
        log.exception("launch failed unexpectedly")  # the details go to the log, never the page
        return rejected_page("launch could not be validated", values=_values_from_token())
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


@bp.route("/lti/resume/<token>", methods=["GET", "POST"])
def resume_launch(token: str) -> Response | WerkzeugResponse:
    """Opened in a new window: set the session there and continue the same launch.

    GET signs in at once only in the browser that launched (its nonce cookie) or when the session
    is already this user's; otherwise it asks, naming who would be signed in (and who is signed in
    now). POST (the answer, CSRF-protected) signs in."""
    found = resume.peek(token)
    if found is None:
        return rejected_page("resume token unknown, expired or already used", status=400)
    result, _deep_link = found
    here = current_launch()
    same_user = here is not None and here.user.id == result.user_id
    other_user = here is not None and not same_user
    if request.method == "GET" and (
        other_user or not (same_user or resume.from_this_browser(token))
    ):
        return _confirm_resume(token, result.user_id, here.user if other_user and here else None)
    found = resume.consume(token)
    if found is None:
        return rejected_page("resume token unknown, expired or already used", status=400)
    result, deep_link = found
    try:
        resume.establish(result, deep_link)
    except LookupError as exc:
        return rejected_page(str(exc), status=400)
    return redirect(destination(result))


def _confirm_resume(token: str, user_id: int, signed_in: Any) -> Response:
    """ "Continue as Y?" (and "You are signed in as X") before a session is started or replaced."""
    from lms_plugin.accounts.models import User

    launched = db.session.get(User, user_id)
    if launched is None:
        return rejected_page("the launched user no longer exists", status=400)
    log.info(
        "resume needs confirmation",
        extra={"data": {"user_id": user_id, "replaces": getattr(signed_in, "id", None)}},
    )
    response = Response(
        render_template(
            "lti/resume_confirm.html",
            launched=launched,
            signed_in=signed_in,
            action=url_for("lti.resume_launch", token=token),
            title=_("Continue as %(name)s?", name=launched.name or launched.sub),
        )
    )
    response.headers["Cache-Control"] = "no-store, private"
    return response


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
@limiter.limit(_register_rate_limit)
def register() -> Response:
    """LTI Dynamic Registration 1.0 (see registration_views)."""
    from lms_plugin.lti.registration_views import start_registration

    return start_registration()


@bp.route("/lti/deep-link", methods=["GET", "POST"])
def deep_link_picker() -> Response | WerkzeugResponse:
    """The instructor chooses what to place in the Moodle course (see deep_linking)."""
    from lms_plugin.lti.deep_linking import picker

    return picker()


from lms_plugin.lti import delivery_views as delivery_views  # noqa: E402 - routes on this bp
