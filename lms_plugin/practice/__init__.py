"""The practice LMS: a small LTI 1.3 platform built on lti1p3platform, mounted only when enabled."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Mount the practice LMS blueprint."""
    from lms_plugin.practice.views import bp

    app.register_blueprint(bp)
