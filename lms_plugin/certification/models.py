"""Certificates: one row per certification period; a renewal is a new row that points to the old."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms_plugin.accounts.models import User
from lms_plugin.db import Base, intpk, utcnow


class Certificate(Base):
    """A mentor certificate; (user, course, period_no) is unique, so it is issued exactly once."""

    __tablename__ = "certificates"
    __table_args__ = (
        UniqueConstraint("user_id", "course_id", "period_no"),
        Index("ix_certificates_course_expires", "course_id", "expires_at"),
    )

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[str] = mapped_column(String(64))
    course_version: Mapped[str] = mapped_column(String(32))
    period_no: Mapped[int] = mapped_column(default=1)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    holder_name: Mapped[str] = mapped_column(String(255))
    hours: Mapped[float]
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    valid_from: Mapped[datetime]
    expires_at: Mapped[datetime]
    renewal_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("certificates.id", ondelete="SET NULL")
    )
    revoked_at: Mapped[datetime | None]
    revoked_reason: Mapped[str | None] = mapped_column(Text)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reminder_sent_at: Mapped[datetime | None]
    # The credited hours by kind when issued (online, assignment, live, practicum); None on
    # certificates issued before hours were credited by kind.
    hours_by_kind: Mapped[dict[str, float] | None] = mapped_column(JSON)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    renewal_of: Mapped[Certificate | None] = relationship(remote_side="Certificate.id")
