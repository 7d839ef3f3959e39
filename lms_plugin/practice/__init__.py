"""The practice LMS: a small LTI 1.3 platform built on lti1p3platform, mounted only when enabled."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Mount the practice LMS blueprint (its pages, launch flow, services and deep-link return)."""
    from lms_plugin.lti.http import add_trusted_origin
    from lms_plugin.practice import deep_link_views, launch_views, service_views, urls  # noqa: F401
    from lms_plugin.practice.views import bp

    app.register_blueprint(bp)
    # It runs in this process (http://127.0.0.1:5000/practice under make run): the tool may call it.
    add_trusted_origin(app, urls.issuer)
