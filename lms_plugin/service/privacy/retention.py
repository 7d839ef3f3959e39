"""Retention of the service year: logbook details go after the configured years, counts stay."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import delete, select, update

from lms_plugin.coordination.models import PeerHelper
from lms_plugin.db import db, utcnow
from lms_plugin.service.models import SessionAttendance, SupervisionMeeting, TrainingSession


def retention_years() -> int:
    """SERVICE_DETAIL_RETENTION_YEARS (default 1): school years the details are kept after."""
    return max(0, int(current_app.config.get("SERVICE_DETAIL_RETENTION_YEARS", 1)))


def oldest_kept_year(today: date | None = None) -> str:
    """The oldest school year whose details are still kept ("2025/26")."""
    today = today or date.today()
    start = (today.year if today.month >= 9 else today.year - 1) - retention_years()
    return f"{start}/{(start + 1) % 100:02d}"


@dataclass(frozen=True)
class Removed:
    sessions: int
    meetings: int
    attendance: int
    orphans: int


def remove_details(today: date | None = None, *, dry_run: bool = False) -> Removed:
    """Blank notes and drop attendance of school years older than the kept ones.

    Dates, topics, minutes, numbers of helpers and cases, themes, summaries, referrals'
    codes and statuses and the outcome figures stay: they are the programme's aggregates.
    Attendance rows of helpers deleted elsewhere (erasure, helper retention) go too.
    """
    keep_from = oldest_kept_year(today)
    old_sessions = select(TrainingSession.id).where(TrainingSession.school_year < keep_from)
    sessions = len(
        db.session.scalars(
            old_sessions.where(
                (TrainingSession.note != "") | TrainingSession.details_removed_at.is_(None)
            )
        ).all()
    )
    meetings = len(
        db.session.scalars(
            select(SupervisionMeeting.id).where(
                SupervisionMeeting.school_year < keep_from,
                (SupervisionMeeting.note != "") | SupervisionMeeting.details_removed_at.is_(None),
            )
        ).all()
    )
    attendance = len(
        db.session.scalars(
            select(SessionAttendance.id).where(SessionAttendance.session_id.in_(old_sessions))
        ).all()
    )
    orphan_rows = select(SessionAttendance.id).where(
        SessionAttendance.helper_id.not_in(select(PeerHelper.id))
    )
    orphans = len(db.session.scalars(orphan_rows).all())
    if dry_run:
        return Removed(sessions, meetings, attendance, orphans)
    now = utcnow()
    db.session.execute(
        delete(SessionAttendance).where(
            SessionAttendance.session_id.in_(old_sessions)
            | SessionAttendance.helper_id.not_in(select(PeerHelper.id))
        )
    )
    db.session.execute(
        update(TrainingSession)
        .where(TrainingSession.school_year < keep_from)
        .values(note="", details_removed_at=now)
    )
    db.session.execute(
        update(SupervisionMeeting)
        .where(SupervisionMeeting.school_year < keep_from)
        .values(note="", details_removed_at=now)
    )
    db.session.flush()
    return Removed(sessions, meetings, attendance, orphans)
