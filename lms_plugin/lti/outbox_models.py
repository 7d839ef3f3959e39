"""The AGS score outbox (one row per score to publish) and the line items found or created."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lms_plugin.db import Base, created_at, intpk, utcnow

# Delivery states; "waiting" rows are delivered by the fast path or the worker.
WAITING = "waiting"
SENT = "sent"
FAILED = "failed"
SKIPPED = "skipped"
SUPERSEDED = "superseded"
STATUSES = (WAITING, SENT, FAILED, SKIPPED, SUPERSEDED)


class ScoreDelivery(Base):
    """A score queued for a platform's gradebook, with what happened to it."""

    __tablename__ = "lti_score_deliveries"
    __table_args__ = (
        Index("ix_lti_score_deliveries_status_next", "status", "next_attempt_at"),
        Index("ix_lti_score_deliveries_pair", "user_id", "context_pk", "target_key"),
    )

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    context_pk: Mapped[int] = mapped_column(
        ForeignKey("lms_contexts.id", ondelete="CASCADE"), index=True
    )
    resource_link_pk: Mapped[int | None] = mapped_column(
        ForeignKey("resource_links.id", ondelete="SET NULL")
    )
    # Which line item the score is for, before it is resolved to a URL: "link:<pk>" for the
    # launch's own column, "item:<resource_id>|<tag>" for a line item found or created by us.
    target_key: Mapped[str] = mapped_column(String(600))
    resource_id: Mapped[str | None] = mapped_column(String(255))
    tag: Mapped[str | None] = mapped_column(String(255))
    label: Mapped[str | None] = mapped_column(String(255))
    line_item_maximum: Mapped[float | None] = mapped_column(Float)
    # Whether the tool may create the column when the course has none (else the score is skipped).
    may_create: Mapped[bool] = mapped_column(default=False)
    lineitem_url: Mapped[str | None] = mapped_column(Text)
    score_given: Mapped[float | None] = mapped_column(Float)
    score_maximum: Mapped[float] = mapped_column(Float)
    activity_progress: Mapped[str] = mapped_column(String(20))
    grading_progress: Mapped[str] = mapped_column(String(20))
    comment: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default=WAITING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    last_http_status: Mapped[int | None] = mapped_column(Integer)
    next_attempt_at: Mapped[datetime | None] = mapped_column(default=utcnow)
    locked_until: Mapped[datetime | None]
    sent_timestamp: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    created_at: Mapped[created_at]


class LineItem(Base):
    """A line item the tool found or created in a context's container, by resourceId and tag."""

    __tablename__ = "lti_line_items"
    __table_args__ = (UniqueConstraint("context_pk", "resource_id", "tag"),)

    id: Mapped[intpk]
    context_pk: Mapped[int] = mapped_column(ForeignKey("lms_contexts.id", ondelete="CASCADE"))
    resource_id: Mapped[str] = mapped_column(String(255))
    tag: Mapped[str] = mapped_column(String(255))
    url: Mapped[str] = mapped_column(Text)
    label: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[created_at]


class ColumnClaim(Base):
    """A worker looking for, or creating, a gradebook column by resourceId and tag.

    Two workers delivering two people's scores for the same new activity would otherwise both
    find no column and both create one (the course would show the activity twice). The first to
    insert this row does the platform calls; the others wait for its LineItem. A claim whose
    worker died is taken over after `claimed_until`.
    """

    __tablename__ = "lti_column_claims"
    __table_args__ = (UniqueConstraint("context_pk", "resource_id", "tag"),)

    id: Mapped[intpk]
    context_pk: Mapped[int] = mapped_column(ForeignKey("lms_contexts.id", ondelete="CASCADE"))
    resource_id: Mapped[str] = mapped_column(String(255))
    tag: Mapped[str] = mapped_column(String(255))
    claimed_until: Mapped[datetime]
