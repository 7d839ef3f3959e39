"""Views of the certification feature."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("certification", __name__)
