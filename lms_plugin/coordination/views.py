"""Views of the coordination feature."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("coordination", __name__)
