"""The landing page per role and /healthz."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, render_template
from sqlalchemy.exc import SQLAlchemyError

from lms_plugin.accounts.current import current_launch
from lms_plugin.db import db
from lms_plugin.main.home_data import home_for

bp = Blueprint("main", __name__)


@bp.get("/")
def home() -> str:
    """Launched users see their start page; visitors see what the tool is and how to open it."""
    launch = current_launch()
    return render_template("main/home.html", launch=launch, **home_for(launch))


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    """Database reachable and migrations at head."""
    from lms_plugin.migrations_state import migration_state

    try:
        current, head = migration_state()
    except SQLAlchemyError as exc:
        db.session.rollback()
        current_app.logger.warning("healthz: database unreachable: %s", exc)
        return jsonify({"status": "error", "database": "unreachable"}), 503
    ok = current == head
    body = {
        "status": "ok" if ok else "error",
        "database": "ok",
        "migration": current,
        "head": head,
    }
    return jsonify(body), 200 if ok else 503
