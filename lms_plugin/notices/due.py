"""Which notices are due now: one `Due` per person and event, found in a few queries each.

Each finder is bounded in time (no reminders about things long past when the feature is first
deployed) and keyed so that the same event never yields a second notice (`NoticeSent`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import func, or_, select

from lms_plugin import providers
from lms_plugin.accounts.models import Membership, Role
from lms_plugin.certification.models import Certificate
from lms_plugin.db import db
from lms_plugin.grading.models import SUBMITTED, Grade, Submission
from lms_plugin.notices.kinds import CERT_EXPIRING, DIGEST, FEEDBACK, LIVE_SESSION, STALLED
from lms_plugin.progress.models import CourseSummary


@dataclass(frozen=True)
class Due:
    kind: str
    user_id: int
    event_key: str
    params: dict[str, Any] = field(default_factory=dict)


def zone() -> ZoneInfo:
    return ZoneInfo(str(current_app.config["BABEL_DEFAULT_TIMEZONE"]))


def local_now(now: datetime) -> datetime:
    return now.astimezone(zone())


def stalled(now: datetime) -> Iterator[Due]:
    """Trainees who started, have no certificate for the course, and did nothing for
    STALLED_DAYS (but not for more than NOTICES_STALLED_WINDOW_DAYS beyond that)."""
    days = int(current_app.config["STALLED_DAYS"])
    window = int(current_app.config["NOTICES_STALLED_WINDOW_DAYS"])
    newest = now - timedelta(days=days)
    oldest = newest - timedelta(days=window)
    certified = select(Certificate.id).where(
        Certificate.user_id == CourseSummary.user_id,
        Certificate.course_id == CourseSummary.course_id,
        Certificate.revoked_at.is_(None),
    )
    rows = db.session.execute(
        select(CourseSummary.user_id, CourseSummary.course_id, CourseSummary.last_activity_at)
        .where(
            CourseSummary.last_activity_at.is_not(None),
            CourseSummary.last_activity_at < newest,
            CourseSummary.last_activity_at >= oldest,
            ~certified.exists(),
        )
        .order_by(CourseSummary.user_id)
    )
    for user_id, course_id, last in rows:
        if last is None:
            continue
        yield Due(
            STALLED,
            user_id,
            f"{course_id}:{last:%Y%m%d%H%M%S}",
            {"course_id": course_id, "days": (now - last).days},
        )


def digest(now: datetime) -> Iterator[Due]:
    """Each trainer with submissions waiting in their courses: once a day, from NOTICES_DIGEST_HOUR
    (local time). Work allocated to another marker is not in their list."""
    local = local_now(now)
    if local.hour < int(current_app.config["NOTICES_DIGEST_HOUR"]):
        return
    waiting = (
        select(
            Membership.user_id,
            func.count(Submission.id),
            func.min(Submission.submitted_at),
        )
        .join(Submission, Submission.context_pk == Membership.context_pk)
        .where(
            Membership.role == Role.TRAINER.value,
            Submission.state == SUBMITTED,
            or_(
                Submission.allocated_to_id.is_(None),
                Submission.allocated_to_id == Membership.user_id,
            ),
        )
        .group_by(Membership.user_id)
    )
    for user_id, count, oldest in db.session.execute(waiting):
        if count:
            yield Due(
                DIGEST,
                user_id,
                local.date().isoformat(),
                {"count": int(count), "oldest": oldest},
            )


def feedback(now: datetime) -> Iterator[Due]:
    """Released feedback (each release of a grade, corrections included) in the last few days."""
    since = now - timedelta(days=int(current_app.config["NOTICES_FEEDBACK_WINDOW_DAYS"]))
    rows = db.session.execute(
        select(
            Grade.id,
            Grade.release_count,
            Submission.user_id,
            Submission.course_id,
            Submission.assignment_id,
        )
        .join(Submission, Submission.id == Grade.submission_id)
        .where(Grade.release_count > 0, Grade.released_at >= since)
        .order_by(Grade.id)
    )
    for grade_id, count, user_id, course_id, assignment_id in rows:
        yield Due(
            FEEDBACK,
            user_id,
            f"{grade_id}:{count}",
            {"course_id": course_id, "assignment_id": assignment_id, "corrected": count > 1},
        )


def certificates_expiring(now: datetime) -> Iterator[Due]:
    """Valid certificates within 60 (then 14) days of expiry: to the holder and to the
    coordinators of the holder's school. Only the nearest threshold is sent for a certificate
    (one found at 10 days gets the 14-day notice, not both)."""
    thresholds = sorted(int(d) for d in current_app.config["NOTICES_CERT_DAYS"])
    if not thresholds:
        return
    certs = db.session.execute(
        select(
            Certificate.id,
            Certificate.user_id,
            Certificate.course_id,
            Certificate.expires_at,
            Certificate.holder_name,
        )
        .where(
            Certificate.revoked_at.is_(None),
            Certificate.expires_at > now,
            Certificate.expires_at <= now + timedelta(days=thresholds[-1]),
        )
        .order_by(Certificate.expires_at)
    )
    coordinators: dict[int, list[int]] = defaultdict(list)
    for cert_id, user_id, course_id, expires_at, holder in certs:
        remaining = expires_at - now
        threshold = next(d for d in thresholds if remaining <= timedelta(days=d))
        params = {
            "course_id": course_id,
            "expires_at": expires_at,
            "holder": holder,
            "threshold": threshold,
        }
        key = f"{cert_id}:{threshold}"
        yield Due(CERT_EXPIRING, user_id, key, {**params, "own": True})
        if user_id not in coordinators:
            coordinators[user_id] = providers.coordinators_of(user_id)
        for coordinator_id in coordinators[user_id]:
            if coordinator_id != user_id:
                yield Due(CERT_EXPIRING, coordinator_id, key, {**params, "own": False})


def live_sessions_tomorrow(now: datetime) -> Iterator[Due]:
    """Trainees signed up for a live session that starts tomorrow (programme time): the day
    before, once per date and person. Cancelled dates send nothing."""
    from lms_plugin.live.models import LiveOccurrence, LiveSignup

    tomorrow = local_now(now).date() + timedelta(days=1)
    start = datetime.combine(tomorrow, datetime.min.time(), tzinfo=zone()).astimezone(UTC)
    rows = db.session.execute(
        select(LiveSignup.user_id, LiveOccurrence)
        .join(LiveOccurrence, LiveOccurrence.id == LiveSignup.occurrence_id)
        .where(
            LiveOccurrence.is_cancelled.is_(False),
            LiveOccurrence.starts_at >= start,
            LiveOccurrence.starts_at < start + timedelta(days=1),
        )
        .order_by(LiveOccurrence.id, LiveSignup.user_id)
    )
    for user_id, occurrence in rows:
        yield Due(
            LIVE_SESSION,
            user_id,
            str(occurrence.id),
            {
                "course_id": occurrence.course_id,
                "module_id": occurrence.module_id,
                "session_id": occurrence.session_id,
                "starts_at": occurrence.starts_at,
                "place": occurrence.place,
                "online_url": occurrence.online_url,
            },
        )


def jobs_finished(now: datetime) -> Iterator[Due]:
    """Background jobs that ended (lms_plugin/notices/job_finished.py)."""
    from lms_plugin.notices.job_finished import finished_jobs

    return finished_jobs(now)


FINDERS = (
    stalled,
    digest,
    feedback,
    certificates_expiring,
    live_sessions_tomorrow,
    jobs_finished,
)


def all_due(now: datetime) -> Iterator[Due]:
    for finder in FINDERS:
        yield from finder(now)
