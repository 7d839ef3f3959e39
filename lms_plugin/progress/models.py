"""Progress records: active time, attendance, trainer overrides with their audit, and summaries.

The summaries (one row per trainee and course, one per trainee and module) are recomputed on every
progress event, so the trainer's cohort view reads 500 trainees in two indexed queries.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lms_plugin.db import Base, intpk, utcnow


class ActiveTime(Base):
    """Active seconds on task per trainee and module (heartbeats; several tabs counted once)."""

    __tablename__ = "active_times"
    __table_args__ = (UniqueConstraint("user_id", "course_id", "module_id"),)

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    course_id: Mapped[str] = mapped_column(String(64))
    module_id: Mapped[str] = mapped_column(String(64))
    seconds: Mapped[int] = mapped_column(default=0)


class HeartbeatState(Base):
    """The last heartbeat of a user, whichever tab sent it."""

    __tablename__ = "heartbeat_states"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    last_beat_at: Mapped[datetime]


class Attendance(Base):
    """LEGACY: the free-form workshop attendance a trainer once typed in. No longer read by the
    credit calculation (live hours come from lms_plugin.live.facts); the table stays until
    migration 0016 moves its rows into live-session marks."""

    __tablename__ = "attendances"
    __table_args__ = (UniqueConstraint("user_id", "course_id", "module_id"),)

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[str] = mapped_column(String(64))
    module_id: Mapped[str] = mapped_column(String(64))
    hours: Mapped[float]
    session_date: Mapped[date]
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)


class ModuleOverride(Base):
    """A trainer marked a module complete for a trainee (with a reason)."""

    __tablename__ = "module_overrides"
    __table_args__ = (UniqueConstraint("user_id", "course_id", "module_id"),)

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[str] = mapped_column(String(64))
    module_id: Mapped[str] = mapped_column(String(64))
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ProgressAudit(Base):
    """Who changed whose progress, when, why, before and after."""

    __tablename__ = "progress_audits"

    id: Mapped[intpk]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[str] = mapped_column(String(64))
    module_id: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(Text)
    before: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    after: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CourseSummary(Base):
    """A trainee's standing in a course, recomputed on every progress event."""

    __tablename__ = "course_summaries"
    __table_args__ = (
        UniqueConstraint("user_id", "course_id"),
        # The cohort reads one course's summaries joined to its trainees (docs/benchmarks.md).
        Index("ix_course_summaries_course_user", "course_id", "user_id"),
    )

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    course_id: Mapped[str] = mapped_column(String(64))
    hours_credited: Mapped[float] = mapped_column(default=0.0)
    active_seconds: Mapped[int] = mapped_column(default=0)
    modules_complete: Mapped[int] = mapped_column(default=0)
    last_activity_at: Mapped[datetime | None]
    published_hours: Mapped[float | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # {"online": h, "assignment": h, "live": h, "practicum": h}
    hours_by_kind: Mapped[dict[str, float]] = mapped_column(JSON, default=dict)
    little_time_modules: Mapped[int] = mapped_column(default=0)
    # The whole computed standing (lms_plugin.progress.snapshot), valid while `snapshot_key`
    # equals the course's current key: the trainee's own pages read it instead of recomputing.
    snapshot: Mapped[dict[str, object] | None] = mapped_column(JSON)
    snapshot_key: Mapped[str | None] = mapped_column(String(160))


class ModuleSummary(Base):
    """A trainee's standing in one module."""

    __tablename__ = "module_summaries"
    __table_args__ = (
        UniqueConstraint("user_id", "course_id", "module_id"),
        Index("ix_module_summaries_course_user", "course_id", "user_id"),
    )

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    course_id: Mapped[str] = mapped_column(String(64))
    module_id: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="locked")
    lessons_done: Mapped[int] = mapped_column(default=0)
    lessons_total: Mapped[int] = mapped_column(default=0)
    quiz_best: Mapped[float | None]
    quiz_passed: Mapped[bool] = mapped_column(default=False)
    assignment_state: Mapped[str] = mapped_column(String(20), default="none")
    active_seconds: Mapped[int] = mapped_column(default=0)
    hours_credited: Mapped[float] = mapped_column(default=0.0)
    is_override: Mapped[bool] = mapped_column(default=False)
    published_hours: Mapped[float | None]
    hours_by_kind: Mapped[dict[str, float]] = mapped_column(JSON, default=dict)
    min_active_seconds: Mapped[int] = mapped_column(default=0)
    # Completed with little active time (a lesson below its minimum, or completed before time
    # on task was recorded, or the module's time below its lessons' minimums).
    is_little_time: Mapped[bool] = mapped_column(default=False)
