"""A person's notice settings, and the one-click "turn this off" link of every message."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response as WerkzeugResponse

from lms_plugin.accounts.current import login_required, require_launch
from lms_plugin.accounts.models import User
from lms_plugin.db import db
from lms_plugin.extensions import csrf
from lms_plugin.notices import services
from lms_plugin.notices.compose import read_unsubscribe_token
from lms_plugin.notices.kinds import KINDS, LABELS
from lms_plugin.notices.models import MailboxMessage

bp = Blueprint("notices", __name__, url_prefix="/notices")


@bp.route("/preferences", methods=["GET", "POST"])
@login_required
def preferences() -> str | WerkzeugResponse:
    """Which notices the person gets (all on until turned off); says when none can be sent."""
    launch = require_launch()
    user = launch.user
    if request.method == "POST":
        chosen = set(request.form.getlist("kind"))
        if not chosen <= set(KINDS):
            abort(400, description=_("Choose from the notices listed on the page."))
        services.set_preferences(user.id, chosen, KINDS)
        db.session.commit()
        flash(_("Your notice settings are saved."), "success")
        return redirect(url_for("notices.preferences"))
    off = services.opted_out(user.id)
    return render_template(
        "notices/preferences.html",
        kinds=[(kind, LABELS[kind], kind not in off) for kind in KINDS],
        email=(user.email or "").strip(),
    )


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # the signed token is the proof; mail clients post one-click without our form
def unsubscribe(token: str) -> str | WerkzeugResponse:
    """GET: a page with a button (link scanners must not turn anything off); POST (the button,
    or a mail client's RFC 8058 one-click): turn that kind off."""
    read = read_unsubscribe_token(token) if len(token) <= 200 else None
    if read is None or read[1] not in KINDS:
        abort(404)
    user_id, kind = read
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    if request.method == "POST":
        services.turn_off(user_id, kind)
        db.session.commit()
        return render_template("notices/unsubscribed.html", label=LABELS[kind])
    return render_template("notices/unsubscribe.html", label=LABELS[kind], token=token)


@bp.get("/mailbox")
def mailbox() -> str:
    """The e-mails kept instead of sent (MAIL_BACKEND "mailbox", `make run`), newest first: a
    page of the practice LMS, so it exists only while the practice LMS is on."""
    if not current_app.config.get("PRACTICE_LMS_ENABLED") or (
        current_app.config["MAIL_BACKEND"] != "mailbox"
    ):
        abort(404)
    messages = list(
        db.session.scalars(select(MailboxMessage).order_by(MailboxMessage.id.desc()).limit(100))
    )
    return render_template("practice/mailbox.html", messages=messages)
