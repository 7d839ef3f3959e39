"""Account actions: switch language, leave."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, g, redirect, request, session, url_for
from flask_babel import refresh
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
