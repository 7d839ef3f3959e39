"""A background job: one row per request for long work, claimed by one worker at a time."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lms_plugin.db import Base, intpk, utcnow

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"


class Job(Base):
    """Work queued by a request (or a command) and done by `run_due_jobs`."""

    __tablename__ = "jobs"
    __table_args__ = (
        Index("ix_jobs_status_created", "status", "created_at"),
        # "Cannot be started twice": a queued or running job holds its key (the kind and the
        # scope, e.g. the matcher for programme 3); it is cleared when the job ends. A unique
        # column allows many NULLs on SQLite and PostgreSQL alike, so only active jobs collide.
        UniqueConstraint("dedupe_key"),
    )

    id: Mapped[intpk]
    kind: Mapped[str] = mapped_column(String(64))
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(16), default=QUEUED)
    progress_done: Mapped[int] = mapped_column(default=0)
    progress_total: Mapped[int] = mapped_column(default=0)
    attempts: Mapped[int] = mapped_column(default=0)
    # The file the job produced: a random name under EXPORT_DIR, and the name the user downloads.
    result_name: Mapped[str | None] = mapped_column(String(64))
    download_name: Mapped[str | None] = mapped_column(String(255))
    error: Mapped[str | None] = mapped_column(Text)
    dedupe_key: Mapped[str | None] = mapped_column(String(191))
    # A job that writes to the database instead of a file: a summary to show, and the page
    # where its result is seen (e.g. the matcher's review page).
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    result_url: Mapped[str | None] = mapped_column(String(500))
    # When its owner was told on a page that it ended (the banner is shown once).
    announced_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    # Moved on by every progress report: a running job whose worker died stops moving.
    touched_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]
