"""The ops feature has no pages: an empty blueprint so the feature registers like the others."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("ops", __name__)
