"""The launch flow: player page → login initiation (POST to the tool) → /auth → signed id_token."""

from __future__ import annotations

from flask import Response, render_template, request, url_for
from flask_babel import gettext as _
from lti1p3platform.exceptions import LtiException, PreflightRequestValidationException

from lms_plugin.extensions import csrf
from lms_plugin.lti.frame_ancestors import origin_of
from lms_plugin.practice import urls
from lms_plugin.practice.launch import (
    LaunchError,
    build_launch,
    check_auth_request,
    hint_for,
    login_initiation,
    make_request,
    request_from_hint,
)
from lms_plugin.practice.views import bp


def problem(message: str, *, status: int = 400) -> Response:
    """A page that says what went wrong in the practice LMS."""
    response = Response(
        render_template(
            "practice/problem.html", title=_("The launch could not start"), message=message
        )
    )
    response.status_code = status
    return response


def _link_id(raw: str | None) -> int | None:
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError as exc:
        raise LaunchError(f"activity {raw!r} is not a number") from exc


@bp.get("/launch")
def launch() -> Response:
    """The course player: the tool opens in an iframe, as Moodle's "embed" display does."""
    deep_link = request.args.get("mode") == "deep_link"
    try:
        link_id = None if deep_link else _link_id(request.args.get("link"))
        if not deep_link and link_id is None:
            raise LaunchError("choose an activity to launch")
        req = make_request(
            request.args.get("who", ""),
            link_id=link_id,
            target=request.args.get("target"),
            locale=request.args.get("locale", "hu"),
        )
    except LaunchError as exc:
        return problem(str(exc))
    start = url_for("practice.initiate", h=hint_for(req))
    response = Response(render_template("practice/player.html", req=req, start=start))
    tool_origin = origin_of(urls.tool_url("/"))
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        f"frame-src 'self' {tool_origin or ''}; object-src 'none'; base-uri 'self'; "
        "form-action *; frame-ancestors 'self'"
    )
    return response


@bp.get("/initiate")
def initiate() -> Response:
    """Third-party initiated login: auto-POST iss, login_hint, target_link_uri, ... to the tool."""
    try:
        req = request_from_hint(request.args.get("h", ""))
        fields = login_initiation(req)
    except (LaunchError, PreflightRequestValidationException) as exc:
        return problem(str(exc) or _("The launch parameters are incomplete."))
    return Response(
        render_template(
            "practice/autopost.html",
            action=urls.tool_login_url(),
            fields=fields,
            title=_("Opening the tool…"),
        )
    )


@bp.route("/auth", methods=["GET", "POST"])
@csrf.exempt
def auth() -> Response:
    """The OIDC authorization endpoint: check the request, then auto-POST a signed id_token."""
    params = request.values.to_dict()
    try:
        req = request_from_hint(params.get("lti_message_hint", ""))
        check_auth_request(params, req)
        launch_obj = build_launch(req)
        html: str = launch_obj.lti_launch(title=_("Signing you in to the tool…"))
    except LaunchError as exc:
        return problem(str(exc))
    except (PreflightRequestValidationException, LtiException) as exc:
        return problem(str(exc) or _("The authentication request is incomplete."))
    return Response(html)
