"""Views of the grading feature."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("grading", __name__)
