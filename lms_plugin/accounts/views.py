"""Account actions: switch language, leave, autosave what is being typed."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    current_app,
    g,
    jsonify,
    redirect,
    request,
    session,
    url_for,
)
from flask_babel import format_datetime, refresh
from flask_babel import gettext as _
from werkzeug.wrappers import Response as WerkzeugResponse

from lms_plugin.accounts.current import current_launch, end_session
from lms_plugin.db import db

bp = Blueprint("accounts", __name__)


@bp.before_app_request
def _fresh_request_state() -> None:
    """Flask-Login and Flask-Babel cache the user and locale in `g`; an app context held across
    requests (CLI, tests) must not leak them into the next request."""
    g.pop("_login_user", None)
    refresh()


@bp.app_context_processor
def _inject() -> dict[str, object]:
    from lms_plugin.accounts.current import template_globals

    return template_globals()


@bp.post("/language")
def set_language() -> WerkzeugResponse:
    """Remember the chosen language for this session (and the user, if launched)."""
    lang = request.form.get("lang", "")
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
        launch = current_launch()
        if launch is not None:
            launch.user.preferred_language = lang
            db.session.commit()
    target = request.form.get("next") or url_for("main.home")
    if not target.startswith("/") or target.startswith("//"):
        target = url_for("main.home")
    return redirect(target)


@bp.post("/logout")
def logout() -> Response | WerkzeugResponse:
    """End the session."""
    end_session()
    return redirect(url_for("main.home"))


AUTOSAVE_MAX_BYTES = 256 * 1024


@bp.get("/autosave")
def autosave_get() -> Response | tuple[Response, int]:
    """What the user typed into the form `key` and did not save (JSON; empty when nothing)."""
    from lms_plugin.accounts import autosave

    launch = current_launch()
    if launch is None:
        return jsonify({"message": _("Open the tool from Moodle again.")}), 401
    found = autosave.load(launch.user.id, request.args.get("key", ""))
    if found is None:
        return jsonify({"data": {}})
    data, at = found
    return jsonify(
        {
            "data": data,
            "updated_at": at.isoformat(),
            "message": _(
                "Restored what you typed on %(at)s but had not saved yet.",
                at=format_datetime(at, "short"),
            ),
        }
    )


@bp.post("/autosave")
def autosave_post() -> Response | tuple[Response, int]:
    """Save what the user is typing (JSON {key, data: {field: text}}; X-CSRFToken header)."""
    from lms_plugin.accounts import autosave

    launch = current_launch()
    if launch is None:
        return jsonify({"message": _("Open the tool from Moodle again.")}), 401
    if (request.content_length or 0) > AUTOSAVE_MAX_BYTES:
        return jsonify({"message": _("Too much text to save automatically.")}), 413
    body = request.get_json(silent=True)
    try:
        key, data = autosave.parse(body)
    except ValueError:
        return jsonify({"message": _("The autosave request is malformed.")}), 400
    autosave.store(launch.user.id, key, data)
    db.session.commit()
    return jsonify({"saved": True})
