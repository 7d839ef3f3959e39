"""The ops feature has no pages; its blueprint installs the app-wide 409 for lost races."""

from __future__ import annotations

from flask import Blueprint

from lms_plugin.ops import conflicts

bp = Blueprint("ops", __name__)
conflicts.register(bp)
