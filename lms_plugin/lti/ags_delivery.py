"""Deliver the AGS outbox one (user, line item) pair at a time: latest wins, never out of order.

This is the worker's engine (CLI `lti deliver` and the after-response fast path), so unlike a
service it commits: each claim and each outcome is committed at once so that a crash or a second
worker never sends a score twice nor loses what happened.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, or_, select, update

from lms_plugin.accounts.models import LmsContext, Membership, Role, User
from lms_plugin.db import db, utcnow
from lms_plugin.lti.column_claims import WAIT, ColumnBeingCreated, release_column
from lms_plugin.lti.line_items import (
    NoColumn,
    forget_line_item,
    remember_line_item,
    resolve_lineitem_url,
    scores_url,
)
from lms_plugin.lti.models import Platform
from lms_plugin.lti.outbox_models import FAILED, SENT, SKIPPED, SUPERSEDED, WAITING, ScoreDelivery
from lms_plugin.lti.tokens import SCOPE_SCORE, ServiceError, error_text, service_request

log = logging.getLogger("lms_plugin.lti.ags")

SCORE_MEDIA_TYPE = "application/vnd.ims.lis.v1.score+json"
LOCK = timedelta(minutes=2)
ONE_MS = timedelta(milliseconds=1)


@dataclass
class RoundResult:
    """What one delivery round did."""

    sent: list[int] = field(default_factory=list)
    retrying: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)
    superseded: list[int] = field(default_factory=list)

    @property
    def touched(self) -> int:
        return sum(map(len, (self.sent, self.retrying, self.failed, self.skipped, self.superseded)))


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, … capped at AGS_RETRY_CAP_SECONDS (1 h)."""
    base = float(current_app.config.get("AGS_RETRY_BASE_SECONDS", 30))
    cap = float(current_app.config.get("AGS_RETRY_CAP_SECONDS", 3600))
    return timedelta(seconds=min(cap, base * 2 ** max(0, attempts - 1)))


def iso_ms(moment: datetime) -> str:
    """ISO 8601 in UTC with milliseconds and Z, as AGS timestamps are written."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _truncate_ms(moment: datetime) -> datetime:
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def score_timestamp(row: ScoreDelivery, url: str, now: datetime) -> datetime:
    """The row's creation time, made strictly later than the last timestamp sent for the pair."""
    last = db.session.scalar(
        select(func.max(ScoreDelivery.sent_timestamp)).where(
            ScoreDelivery.user_id == row.user_id,
            ScoreDelivery.lineitem_url == url,
            ScoreDelivery.status == SENT,
        )
    )
    moment = _truncate_ms(row.created_at)
    if last is not None and moment <= last:
        moment = _truncate_ms(last) + ONE_MS
    if row.last_http_status == 409:  # the platform knows a later timestamp than we do
        moment = max(moment, _truncate_ms(now))
    return moment


def deliver_round(*, ids: list[int] | None = None, now: datetime | None = None) -> RoundResult:
    """Deliver what is due (or the pairs of `ids`): oldest pair first, one attempt per pair.

    Call it with nothing pending in the session: it commits (and rolls back) as it goes.
    """
    now = now or utcnow()
    query = select(ScoreDelivery.user_id, ScoreDelivery.context_pk, ScoreDelivery.target_key).where(
        ScoreDelivery.status == WAITING
    )
    if ids is not None:
        query = query.where(ScoreDelivery.id.in_(ids))
    else:
        query = query.where(
            or_(ScoreDelivery.next_attempt_at.is_(None), ScoreDelivery.next_attempt_at <= now)
        )
    limit = int(current_app.config.get("AGS_ROUND_LIMIT", 200))
    pairs = db.session.execute(
        query.group_by(ScoreDelivery.user_id, ScoreDelivery.context_pk, ScoreDelivery.target_key)
        .order_by(func.min(ScoreDelivery.created_at))
        .limit(limit)
    ).all()
    db.session.rollback()  # end the read transaction before claiming
    result = RoundResult()
    for user_id, context_pk, key in pairs:
        try:
            _deliver_pair(user_id, context_pk, key, now, result)
        except Exception:
            db.session.rollback()
            log.exception(
                "score delivery crashed", extra={"data": {"user_id": user_id, "key": key}}
            )
    return result


def _claim(row_id: int, now: datetime) -> bool:
    claimed = db.session.execute(
        update(ScoreDelivery)
        .where(
            ScoreDelivery.id == row_id,
            ScoreDelivery.status == WAITING,
            or_(ScoreDelivery.locked_until.is_(None), ScoreDelivery.locked_until < now),
        )
        .values(locked_until=now + LOCK)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return bool(getattr(claimed, "rowcount", 0) == 1)


def _deliver_pair(
    user_id: int, context_pk: int, key: str, now: datetime, result: RoundResult
) -> None:
    rows = db.session.scalars(
        select(ScoreDelivery)
        .where(
            ScoreDelivery.user_id == user_id,
            ScoreDelivery.context_pk == context_pk,
            ScoreDelivery.target_key == key,
            ScoreDelivery.status == WAITING,
        )
        .order_by(ScoreDelivery.created_at, ScoreDelivery.id)
    ).all()
    if not rows:
        return
    older_ids = [r.id for r in rows[:-1]]
    latest_id = rows[-1].id
    due = rows[-1].next_attempt_at is None or rows[-1].next_attempt_at <= now
    db.session.rollback()
    if not due or not _claim(latest_id, now):
        return  # still backing off, or another worker has it
    for older_id in older_ids:
        older = db.session.get_one(ScoreDelivery, older_id)
        if older.status == WAITING:
            older.status = SUPERSEDED
            older.last_error = f"replaced by a newer score (delivery {latest_id})"
            older.next_attempt_at = None
            result.superseded.append(older_id)
    latest = db.session.get_one(ScoreDelivery, latest_id)
    db.session.commit()
    try:
        _attempt(latest, now, result)
    except Exception as exc:  # a bug or a database hiccup still counts as an attempt
        log.exception("score delivery crashed", extra={"data": {"id": latest_id}})
        db.session.rollback()
        latest = db.session.get_one(ScoreDelivery, latest_id)
        reason = f"internal error: {exc.__class__.__name__}: {exc}"
        _record_failure(latest, ServiceError(reason), now, result)
    latest.locked_until = None
    db.session.commit()


def _not_gradable(row: ScoreDelivery) -> bool:
    role = db.session.scalar(
        select(Membership.role).where(
            Membership.context_pk == row.context_pk, Membership.user_id == row.user_id
        )
    )
    return role == Role.TRAINER.value


def _attempt(row: ScoreDelivery, now: datetime, result: RoundResult) -> None:
    """One try; the row ends sent, skipped, failed, or waiting with its next attempt time.

    Nothing is written while a platform is being called, so no write lock (SQLite) or row lock
    (PostgreSQL) is held across the network: the outcome is written after the answer.
    """
    if _not_gradable(row):
        row.status = SKIPPED
        row.last_error = "teachers are not gradable: the user is a trainer in this course"
        row.next_attempt_at = None
        result.skipped.append(row.id)
        return
    try:
        with db.session.no_autoflush:
            context = db.session.get_one(LmsContext, row.context_pk)
            platform = db.session.get_one(Platform, context.platform_id)
            if not platform.is_active:
                raise ServiceError("the platform registration is not active")
            user = db.session.get_one(User, row.user_id)
        url, found = resolve_lineitem_url(row, context, platform)
        if found:
            remember_line_item(row, url)
            release_column(row.context_pk, str(row.resource_id), row.tag or "")
            db.session.commit()
        stamp = score_timestamp(row, url, now)
        response = service_request(
            platform,
            "POST",
            scores_url(url),
            [SCOPE_SCORE],
            body=score_body(row, user.sub, stamp),
            content_type=SCORE_MEDIA_TYPE,
        )
        row.lineitem_url = url
        row.last_http_status = response.status_code
        if response.status_code in (200, 201, 202, 204):
            row.attempts += 1
            row.status = SENT
            row.sent_at = utcnow()
            row.sent_timestamp = stamp
            row.last_error = None
            row.next_attempt_at = None
            result.sent.append(row.id)
            return
        if response.status_code == 404 and row.resource_id is not None:
            forget_line_item(row)  # deleted in the gradebook: find or create it again next time
        retryable = response.status_code in (404, 408, 409, 425, 429) or response.status_code >= 500
        raise ServiceError(error_text(response), status=response.status_code, retryable=retryable)
    except ColumnBeingCreated:  # not an attempt: look again when the other worker has made it
        row.status = WAITING
        row.next_attempt_at = now + WAIT
        result.retrying.append(row.id)
    except NoColumn as exc:
        row.attempts += 1
        row.status = SKIPPED
        row.last_error = exc.reason
        row.next_attempt_at = None
        result.skipped.append(row.id)
    except ServiceError as exc:
        _record_failure(row, exc, now, result)


def score_body(row: ScoreDelivery, user_sub: str, stamp: datetime) -> dict[str, object]:
    """The AGS Score JSON for this row."""
    body: dict[str, object] = {
        "userId": user_sub,
        "scoreMaximum": row.score_maximum,
        "activityProgress": row.activity_progress,
        "gradingProgress": row.grading_progress,
        "timestamp": iso_ms(stamp),
    }
    if row.score_given is not None:
        body["scoreGiven"] = row.score_given
    if row.comment:
        body["comment"] = row.comment
    return body


def _record_failure(
    row: ScoreDelivery, exc: ServiceError, now: datetime, result: RoundResult
) -> None:
    row.attempts += 1
    row.last_error = exc.reason[:2000]
    if exc.status is not None:
        row.last_http_status = exc.status
    max_attempts = int(current_app.config.get("AGS_MAX_ATTEMPTS", 10))
    if exc.retryable and row.attempts < max_attempts:
        row.status = WAITING
        row.next_attempt_at = now + backoff(row.attempts)
        result.retrying.append(row.id)
    else:
        row.status = FAILED
        row.next_attempt_at = None
        if exc.retryable:
            row.last_error = f"gave up after {row.attempts} attempts: {row.last_error}"[:2000]
        result.failed.append(row.id)
    log.warning(
        "score delivery failed",
        extra={"data": {"id": row.id, "status": row.status, "reason": row.last_error}},
    )
