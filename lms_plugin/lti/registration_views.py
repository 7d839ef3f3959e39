"""LTI Dynamic Registration 1.0: the page Moodle opens with openid_configuration and a token."""

from __future__ import annotations

from flask import Response, render_template, request

from lms_plugin.db import db
from lms_plugin.lti.registration import (
    RegistrationDisabled,
    RegistrationError,
    is_enabled,
    register,
)
from lms_plugin.lti.views import log, tool_urls


def start_registration() -> Response:
    """Without openid_configuration: how to use this URL; with it: register and tell Moodle."""
    config_url = request.args.get("openid_configuration", "").strip()
    if not config_url:
        return Response(
            render_template("lti/register_help.html", tool_urls=tool_urls(), enabled=is_enabled())
        )
    try:
        registered = register(config_url[:2000], request.args.get("registration_token") or None)
    except RegistrationError as exc:
        db.session.rollback()
        # The URL is named by origin only: the query of a stranger's URL is not worth a log line.
        log.warning(
            "dynamic registration refused",
            extra={
                "data": {"error": exc.message, "disabled": isinstance(exc, RegistrationDisabled)}
            },
        )
        response = Response(
            render_template("lti/register_error.html", message=exc.message, tool_urls=tool_urls())
        )
        response.status_code = 403 if isinstance(exc, RegistrationDisabled) else 400
        return response
    db.session.commit()
    return Response(
        render_template(
            "lti/registered.html",
            platform=registered.platform,
            deployment=registered.deployment,
            is_moodle=registered.product.lower() == "moodle",
            pending=not registered.platform.is_active,
        )
    )
