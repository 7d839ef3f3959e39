"""Where each score stands with Moodle: in Moodle, waiting, failed (and why); retry."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select, update
from werkzeug.wrappers import Response as WerkzeugResponse

from lms_plugin.accounts.current import require_launch, roles_required
from lms_plugin.accounts.models import Role
from lms_plugin.db import db
from lms_plugin.errors import DomainError
from lms_plugin.lti.ags import list_deliveries, retry_delivery
from lms_plugin.lti.outbox_models import FAILED, SENT, SKIPPED, WAITING, ScoreDelivery
from lms_plugin.lti.views import bp

STATUS_FILTERS = ("open", "failed", "all")


def not_in_moodle(context_pk: int | None) -> int:
    """How many of a course's latest scores are not (yet) in Moodle: waiting or failed."""
    if context_pk is None:
        return 0
    return int(
        db.session.scalar(
            select(func.count())
            .select_from(ScoreDelivery)
            .where(
                ScoreDelivery.context_pk == context_pk,
                ScoreDelivery.status.in_((WAITING, FAILED)),
            )
        )
        or 0
    )


@bp.get("/lti/deliveries")
@roles_required(Role.TRAINER)
def deliveries() -> str:
    """The course's scores and where each stands with the platform's gradebook."""
    launch = require_launch()
    if launch.context_pk is None:
        abort(404)
    shown = request.args.get("show", "open")
    shown = shown if shown in STATUS_FILTERS else "open"
    statuses = {
        "open": (WAITING, FAILED),
        "failed": (FAILED, SKIPPED),
        "all": None,
    }[shown]
    rows = list_deliveries(context_pk=launch.context_pk, statuses=statuses, limit=500)
    return render_template(
        "lti/deliveries.html",
        rows=rows,
        shown=shown,
        filters=STATUS_FILTERS,
        pending=not_in_moodle(launch.context_pk),
        statuses={"waiting": WAITING, "sent": SENT, "failed": FAILED, "skipped": SKIPPED},
    )


@bp.post("/lti/deliveries/<int:delivery_id>/retry")
@roles_required(Role.TRAINER)
def retry(delivery_id: int) -> WerkzeugResponse:
    """Put a failed score back in the queue and try it at once."""
    launch = require_launch()
    row = db.session.get(ScoreDelivery, delivery_id)
    if row is None or row.context_pk != launch.context_pk:
        abort(404)
    try:
        retry_delivery(delivery_id)
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "warning")
        return redirect(url_for("lti.deliveries", show=request.form.get("show", "open")))
    db.session.commit()
    _send_now([delivery_id])
    flash(_("The score was sent again; its state is below."), "info")
    return redirect(url_for("lti.deliveries", show=request.form.get("show", "open")))


@bp.post("/lti/deliveries/send-now")
@roles_required(Role.TRAINER)
def send_now() -> WerkzeugResponse:
    """Try every waiting score of this course now instead of at its next scheduled try."""
    launch = require_launch()
    ids = list(
        db.session.scalars(
            select(ScoreDelivery.id).where(
                ScoreDelivery.context_pk == launch.context_pk, ScoreDelivery.status == WAITING
            )
        )
    )
    db.session.rollback()
    _send_now(ids)
    flash(_("The waiting scores were sent again; their state is below."), "info")
    return redirect(url_for("lti.deliveries"))


def _send_now(ids: list[int]) -> None:
    from lms_plugin.lti.ags_delivery import deliver_round

    if not ids:
        return
    # A person asked: try now, whatever the backoff said.
    db.session.execute(
        update(ScoreDelivery)
        .where(ScoreDelivery.id.in_(ids), ScoreDelivery.status == WAITING)
        .values(next_attempt_at=None)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    try:
        deliver_round(ids=ids)
    except Exception:  # the worker tries again; the page shows what happened
        db.session.rollback()
        current_app.logger.exception("send-now round failed")
