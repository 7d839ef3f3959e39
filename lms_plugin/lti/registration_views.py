"""LTI Dynamic Registration 1.0."""

from __future__ import annotations

from flask import Response, render_template


def start_registration() -> Response:
    """Without openid_configuration the page explains how to use the URL from Moodle."""
    return Response(render_template("lti/register_help.html"))
