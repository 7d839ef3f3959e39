"""Practice LMS pages and endpoints."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("practice", __name__, url_prefix="/practice")
