"""Scores to the platform's gradebook (AGS): queue into the outbox, show and retry deliveries.

queue_score() only flushes a row; once the caller's transaction commits, the new rows are tried
once after the response is sent (the fast path). Whatever is still waiting is delivered by
`flask --app lms_plugin lti deliver` (lms_plugin.lti.ags_delivery).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import Flask, after_this_request, current_app, has_request_context
from flask_babel import gettext as _
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from lms_plugin.accounts.models import LmsContext, ResourceLink, User
from lms_plugin.db import db, utcnow
from lms_plugin.errors import DomainError, NotFound
from lms_plugin.lti.outbox_models import (
    FAILED,
    SENT,
    SKIPPED,
    SUPERSEDED,
    WAITING,
    ScoreDelivery,
)

log = logging.getLogger("lms_plugin.lti.ags")

ACTIVITY_PROGRESS = ("Initialized", "Started", "InProgress", "Submitted", "Completed")
GRADING_PROGRESS = ("FullyGraded", "Pending", "PendingManual", "Failed", "NotReady")
_NEW_IDS = "lti_ags_new_delivery_ids"


@dataclass(frozen=True)
class LineItemSpec:
    """A gradebook column the tool owns, found or created by resourceId and tag."""

    resource_id: str
    tag: str
    label: str
    score_maximum: float
    # Only a column no activity carries (the certificate) may be created by the tool; a score for
    # an activity's column waits for that column and is skipped when the course has none.
    may_create: bool = False


def target_key(resource_link_pk: int | None, line_item: LineItemSpec | None) -> str:
    """The line item a score is for, before it is resolved to a URL."""
    if line_item is None:
        return f"link:{resource_link_pk}"
    return f"item:{line_item.resource_id}|{line_item.tag}"


def queue_score(
    *,
    user_id: int,
    context_pk: int,
    resource_link_pk: int | None = None,
    line_item: LineItemSpec | None,
    score_given: float | None,
    score_maximum: float,
    activity_progress: str,
    grading_progress: str,
    comment: str | None = None,
) -> ScoreDelivery:
    """Store a score in the outbox (flush only); it is delivered after the caller commits."""
    if activity_progress not in ACTIVITY_PROGRESS:
        raise DomainError(f"unknown activityProgress {activity_progress!r}")
    if grading_progress not in GRADING_PROGRESS:
        raise DomainError(f"unknown gradingProgress {grading_progress!r}")
    if score_maximum <= 0:
        raise DomainError("scoreMaximum must be greater than zero")
    if score_given is not None and score_given < 0:
        raise DomainError("scoreGiven must not be negative")
    if line_item is None and resource_link_pk is None:
        raise DomainError("a score needs a resource link or a named line item")
    if db.session.get(LmsContext, context_pk) is None:
        raise NotFound(f"context {context_pk} does not exist")
    if db.session.get(User, user_id) is None:
        raise NotFound(f"user {user_id} does not exist")
    if resource_link_pk is not None:
        link = db.session.get(ResourceLink, resource_link_pk)
        if link is None or link.context_pk != context_pk:
            raise NotFound(f"resource link {resource_link_pk} is not in context {context_pk}")
    key = target_key(resource_link_pk, line_item)
    row = ScoreDelivery(
        user_id=user_id,
        context_pk=context_pk,
        resource_link_pk=resource_link_pk,
        target_key=key,
        resource_id=line_item.resource_id if line_item else None,
        tag=line_item.tag if line_item else None,
        label=line_item.label if line_item else None,
        line_item_maximum=line_item.score_maximum if line_item else None,
        may_create=bool(line_item and line_item.may_create),
        score_given=score_given,
        score_maximum=score_maximum,
        activity_progress=activity_progress,
        grading_progress=grading_progress,
        comment=comment,
        status=WAITING,
        attempts=0,
        next_attempt_at=utcnow(),
        created_at=utcnow(),
    )
    db.session.add(row)
    db.session.flush()
    db.session.info.setdefault(_NEW_IDS, []).append(row.id)
    return row


def latest_queued(
    user_id: int, context_pks: list[int]
) -> dict[tuple[int, str], tuple[float | None, str | None]]:
    """(context, column key) → (score, comment) of the user's latest score queued there and not
    given up on, in one query: callers skip a score that did not change."""
    rows = db.session.execute(
        select(
            ScoreDelivery.context_pk,
            ScoreDelivery.target_key,
            ScoreDelivery.score_given,
            ScoreDelivery.comment,
        )
        .where(
            ScoreDelivery.user_id == user_id,
            ScoreDelivery.context_pk.in_(context_pks),
            ScoreDelivery.status.in_((WAITING, SENT, SKIPPED)),
        )
        .order_by(ScoreDelivery.id)
    ).all()
    return {(ctx, key): (score, comment) for ctx, key, score, comment in rows}


def delivery_status(user_id: int, context_pk: int, resource_id: str | None) -> ScoreDelivery | None:
    """The latest delivery of a user's score for a line item (resource_id None: launch column)."""
    query = select(ScoreDelivery).where(
        ScoreDelivery.user_id == user_id, ScoreDelivery.context_pk == context_pk
    )
    if resource_id is None:
        query = query.where(ScoreDelivery.resource_id.is_(None))
    else:
        query = query.where(ScoreDelivery.resource_id == resource_id)
    return db.session.scalar(
        query.order_by(ScoreDelivery.created_at.desc(), ScoreDelivery.id.desc()).limit(1)
    )


@dataclass(frozen=True)
class DeliveryView:
    """One row of the trainers' delivery status table."""

    id: int
    user_id: int
    user_name: str
    resource_id: str | None
    label: str | None
    score_given: float | None
    score_maximum: float
    status: str
    attempts: int
    last_error: str | None
    next_attempt_at: datetime | None
    sent_at: datetime | None
    created_at: datetime


def list_deliveries(
    *,
    context_pk: int | None = None,
    statuses: tuple[str, ...] | None = None,
    user_id: int | None = None,
    limit: int = 200,
) -> list[DeliveryView]:
    """Deliveries newest first, for the grading/progress pages and the CLI (one query)."""
    query = select(ScoreDelivery, User).join(User, User.id == ScoreDelivery.user_id)
    if context_pk is not None:
        query = query.where(ScoreDelivery.context_pk == context_pk)
    if statuses:
        query = query.where(ScoreDelivery.status.in_(statuses))
    if user_id is not None:
        query = query.where(ScoreDelivery.user_id == user_id)
    query = query.order_by(ScoreDelivery.created_at.desc(), ScoreDelivery.id.desc()).limit(limit)
    return [
        DeliveryView(
            id=row.id,
            user_id=row.user_id,
            user_name=user.display_name,
            resource_id=row.resource_id,
            label=row.label,
            score_given=row.score_given,
            score_maximum=row.score_maximum,
            status=row.status,
            attempts=row.attempts,
            last_error=row.last_error,
            next_attempt_at=row.next_attempt_at if row.status == WAITING else None,
            sent_at=row.sent_at,
            created_at=row.created_at,
        )
        for row, user in db.session.execute(query).all()
    ]


def retry_delivery(delivery_id: int) -> ScoreDelivery:
    """Put a failed (or skipped) delivery back in the queue, unless a newer score replaced it."""
    row = db.session.get(ScoreDelivery, delivery_id)
    if row is None:
        raise NotFound(_("Score delivery %(id)s does not exist.", id=delivery_id))
    if row.status in (WAITING, SENT):
        raise DomainError(
            _(
                "This score is already %(status)s; only failed deliveries can be retried.",
                status=row.status,
            )
        )
    newer = db.session.scalar(
        select(ScoreDelivery.id)
        .where(
            ScoreDelivery.user_id == row.user_id,
            ScoreDelivery.context_pk == row.context_pk,
            ScoreDelivery.target_key == row.target_key,
            ScoreDelivery.status.in_((WAITING, SENT)),
            ScoreDelivery.id != row.id,
            ScoreDelivery.created_at >= row.created_at,
        )
        .limit(1)
    )
    if newer is not None:
        row.status = SUPERSEDED
        row.last_error = f"a newer score (delivery {newer}) replaces this one"
    else:
        row.status = WAITING
        row.attempts = 0
        row.next_attempt_at = utcnow()
        row.locked_until = None
    db.session.flush()
    return row


def counts_by_status(context_pk: int) -> dict[str, int]:
    """How many deliveries of a context are in each status."""
    rows = db.session.execute(
        select(ScoreDelivery.status, func.count())
        .where(ScoreDelivery.context_pk == context_pk)
        .group_by(ScoreDelivery.status)
    ).all()
    counts = {status: 0 for status in (WAITING, SENT, FAILED, SKIPPED, SUPERSEDED)}
    counts.update({str(status): int(n) for status, n in rows})
    return counts


# --- the fast path: after the request's commit, after the response -------------------------


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    ids: list[int] = session.info.pop(_NEW_IDS, [])
    if ids and has_request_context():
        schedule_after_response(ids)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    # Rolled-back rows never existed: nothing to deliver.
    session.info.pop(_NEW_IDS, None)


def schedule_after_response(ids: list[int]) -> None:
    """Try these deliveries once when the response has been sent; errors only reach the log."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if not app.config.get("AGS_FAST_PATH", True):
        return

    def _attach(response: Any) -> Any:
        response.call_on_close(lambda: _deliver_now(app, ids))
        return response

    try:
        after_this_request(_attach)
    except (AssertionError, RuntimeError):  # the response is already being built: the worker
        log.debug("fast path not available; the worker delivers %s", ids)


def _deliver_now(app: Flask, ids: list[int]) -> None:
    from lms_plugin.lti.ags_delivery import deliver_round

    try:
        with app.app_context():
            deliver_round(ids=ids)
    except Exception:
        log.exception(
            "fast-path score delivery failed; the worker will retry", extra={"data": {"ids": ids}}
        )
