"""The marker's comment bank: list, add, delete (JSON for the script, forms without it)."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, redirect, request
from werkzeug.wrappers import Response as WerkzeugResponse

from lms_plugin.accounts.current import require_launch, roles_required
from lms_plugin.accounts.models import Role, User
from lms_plugin.db import db
from lms_plugin.grading import comments
from lms_plugin.grading.marking_views import back_to
from lms_plugin.grading.views import bp


def _bank_json(owner: User) -> dict[str, Any]:
    return {"comments": [{"id": e.id, "text": e.text} for e in comments.bank(owner)]}


@bp.route("/comments", methods=["GET", "POST"])
@roles_required(Role.TRAINER)
def comment_bank() -> Response | WerkzeugResponse:
    """List (GET, JSON) or add (POST, JSON or form) a reusable comment."""
    launch = require_launch()
    if request.method == "GET":
        return jsonify(_bank_json(launch.user))
    data = request.get_json(silent=True) if request.is_json else request.form
    text = str((data or {}).get("text", ""))
    comments.add_comment(launch.user, text)
    db.session.commit()
    if request.is_json:
        response = jsonify(_bank_json(launch.user))
        response.status_code = 201
        return response
    return redirect(back_to())


@bp.post("/comments/<int:entry_id>/delete")
@roles_required(Role.TRAINER)
def delete_comment(entry_id: int) -> Response | WerkzeugResponse:
    """Delete one of my saved comments."""
    launch = require_launch()
    comments.delete_comment(launch.user, entry_id)
    db.session.commit()
    if request.is_json:
        return jsonify(_bank_json(launch.user))
    return redirect(back_to())
