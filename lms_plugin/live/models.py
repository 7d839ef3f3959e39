"""Live-session records: scheduled occurrences, sign-ups, attendance marks and their audit.

A course declares its live sessions in module.yaml (`live_sessions:`); trainers schedule one or
more occurrences of a declared session (make-up dates are further occurrences), trainees sign up,
and the trainer marks attendance. Hours come from the declared session, never from the occurrence.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lms_plugin.db import Base, intpk, utcnow

PRESENT = "present"
LATE = "late"
EXCUSED = "excused"
ABSENT = "absent"
STATUSES = (PRESENT, LATE, EXCUSED, ABSENT)
CREDITED = (PRESENT, LATE)
MISSED = (EXCUSED, ABSENT)

# The session id of the occurrence migration 0016 made per module for the attendance a trainer
# typed in before sessions were scheduled (its marks carry their own hours and date).
LEGACY_SESSION = "recorded-before-scheduling"


class LiveOccurrence(Base):
    """One scheduled date of a declared live session (several per session: make-up dates)."""

    __tablename__ = "live_occurrences"
    __table_args__ = (
        Index("ix_live_occurrences_course_starts", "course_id", "starts_at"),
        Index("ix_live_occurrences_context_starts", "context_pk", "starts_at"),
    )

    id: Mapped[intpk]
    # The Moodle course (LmsContext) whose trainers run it; NULL only for migrated rows whose
    # trainee had no enrolment.
    context_pk: Mapped[int | None] = mapped_column(
        ForeignKey("lms_contexts.id", ondelete="CASCADE")
    )
    course_id: Mapped[str] = mapped_column(String(64))
    module_id: Mapped[str] = mapped_column(String(64))
    session_id: Mapped[str] = mapped_column(String(64))
    starts_at: Mapped[datetime]
    duration_minutes: Mapped[int]
    place: Mapped[str] = mapped_column(String(300), default="")
    online_url: Mapped[str] = mapped_column(String(500), default="")
    capacity: Mapped[int]
    note: Mapped[str] = mapped_column(Text, default="")
    is_cancelled: Mapped[bool] = mapped_column(default=False)
    is_legacy: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class LiveSignup(Base):
    """A trainee holds a seat at an occurrence (cancelling deletes the row)."""

    __tablename__ = "live_signups"
    __table_args__ = (UniqueConstraint("occurrence_id", "user_id"),)

    id: Mapped[intpk]
    occurrence_id: Mapped[int] = mapped_column(
        ForeignKey("live_occurrences.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LiveMark(Base):
    """A trainee's attendance at an occurrence: present / late / excused / absent."""

    __tablename__ = "live_marks"
    __table_args__ = (UniqueConstraint("occurrence_id", "user_id"),)

    id: Mapped[intpk]
    occurrence_id: Mapped[int] = mapped_column(
        ForeignKey("live_occurrences.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    # Migrated marks only: the hours and date the trainer once typed in.
    hours: Mapped[float | None]
    session_date: Mapped[date | None]
    marked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    marked_at: Mapped[datetime] = mapped_column(default=utcnow)


class LiveMarkAudit(Base):
    """Every change of a mark: who, when, before and after."""

    __tablename__ = "live_mark_audits"

    id: Mapped[intpk]
    occurrence_id: Mapped[int] = mapped_column(
        ForeignKey("live_occurrences.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    before: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    after: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
