"""LTI endpoints: OIDC login initiation, the launch (the only redirect URI) and the JWKS."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, Response, jsonify, render_template, request, url_for
from flask_babel import gettext as _
from pylti1p3.contrib.flask import FlaskOIDCLogin, FlaskRequest
from pylti1p3.exception import LtiException, OIDCException
from werkzeug.wrappers import Response as WerkzeugResponse

from lms_plugin.accounts.current import start_session
from lms_plugin.db import db
from lms_plugin.extensions import csrf, limiter
from lms_plugin.lti import keys
from lms_plugin.lti.launch import launch_data, launch_storage, validate_launch
from lms_plugin.lti.services import record_launch
from lms_plugin.lti.tool_conf import DatabaseToolConf
from lms_plugin.lti.validation import LaunchRejected

bp = Blueprint("lti", __name__)
log = logging.getLogger("lms_plugin.lti")


def _rate_limit() -> str:
    from flask import current_app

    return str(current_app.config["LTI_RATE_LIMIT"])


def rejected_page(reason: str, *, status: int = 400, values: dict[str, Any] | None = None) -> Response:
    """A page a person understands, with the values a Moodle admin needs; the reason goes to the log."""
    log.warning("launch rejected", extra={"data": {"reason": reason, "path": request.path}})
    response = Response(
        render_template(
            "lti/rejected.html",
            reason=reason,
            values=values or {},
            tool_urls=tool_urls(),
        )
    )
    response.status_code = status
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


@bp.route("/lti/login", methods=["GET", "POST"])
@csrf.exempt
@limiter.limit(_rate_limit)
def login() -> Response | WerkzeugResponse:
    """OIDC third-party login initiation: redirect the browser to the platform's auth endpoint."""
    params = request.values
    issuer = params.get("iss", "")
    client_id = params.get("client_id")
    values = {"issuer": issuer, "client_id": client_id or "", "deployment_id": params.get("lti_deployment_id", "")}
    if not issuer or not params.get("login_hint"):
        return rejected_page("login without iss or login_hint", values=values)
    target = params.get("target_link_uri", "")
    if target and urlsplit(target).netloc not in ("", request.host):
        return rejected_page(f"target_link_uri {target!r} is not on this tool", values=values)
    tool_conf = DatabaseToolConf()
    if tool_conf.find_platform(issuer, client_id) is None:
        return rejected_page("unknown issuer or client_id", status=403, values=values)
    oidc = FlaskOIDCLogin(FlaskRequest(), tool_conf, launch_data_storage=launch_storage())
    if params.get("lti_deployment_id"):
        oidc.pass_params_to_launch({"lti_deployment_id": params["lti_deployment_id"]})
    try:
        response: Response = oidc.redirect(url_for("lti.launch", _external=True))
    except (OIDCException, LtiException) as exc:
        return rejected_page(str(exc), values=values)
    return response


@bp.post("/lti/launch")
@csrf.exempt
@limiter.limit(_rate_limit)
def launch() -> Response | WerkzeugResponse:
    """The only redirect URI: validate the id_token, log the user in, go to the target."""
    try:
        message = validate_launch()
        body = launch_data(message)
        result = record_launch(body)
    except LaunchRejected as exc:
        db.session.rollback()
        return rejected_page(exc.reason, status=exc.status, values=_values_from_token())
    except (LtiException, KeyError, TypeError, ValueError, AssertionError) as exc:
        db.session.rollback()
        return rejected_page(f"launch could not be validated: {exc}", values=_values_from_token())
    from lms_plugin.accounts.models import User

    user = db.session.get(User, result.user_id)
    assert user is not None
    start_session(
        user,
        result.role,
        context_pk=result.context_pk,
        resource_link_pk=result.resource_link_pk,
        target=result.target,
        locale=result.locale,
    )
    db.session.commit()
    from lms_plugin.lti.targets import after_launch

    return after_launch(result, message)


def _values_from_token() -> dict[str, str]:
    """Issuer, client and deployment read (unverified) from the token, for the admin."""
    import jwt as pyjwt

    token = request.form.get("id_token", "")
    try:
        body = pyjwt.decode(token, options={"verify_signature": False})
    except pyjwt.PyJWTError:
        return {}
    aud = body.get("aud")
    return {
        "issuer": str(body.get("iss", ""))[:255],
        "client_id": str(aud[0] if isinstance(aud, list) and aud else aud or "")[:255],
        "deployment_id": str(body.get("https://purl.imsglobal.org/spec/lti/claim/deployment_id", ""))[:255],
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
    """Dynamic Registration entry point (filled in by the registration module)."""
    from lms_plugin.lti.registration_views import start_registration

    return start_registration()
