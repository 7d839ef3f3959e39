"""What was sent (so nothing is sent twice), who turned what off, and the development mailbox."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lms_plugin.db import Base, intpk, utcnow


class NoticeSent(Base):
    """One notice sent (or being sent) to one person for one event: the unique key is the claim
    that stops two workers, or two rounds, from sending it twice."""

    __tablename__ = "notices_sent"
    __table_args__ = (UniqueConstraint("kind", "user_id", "event_key"),)

    id: Mapped[intpk]
    kind: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    event_key: Mapped[str] = mapped_column(String(120))
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)


class NoticeOptOut(Base):
    """A person turned one kind of notice off (everything is on until then)."""

    __tablename__ = "notice_opt_outs"
    __table_args__ = (UniqueConstraint("user_id", "kind"),)

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class MailboxMessage(Base):
    """A message delivered to the development mailbox instead of SMTP (MAIL_BACKEND=mailbox):
    what `make run` shows on the practice LMS's mailbox page. Never used with SMTP."""

    __tablename__ = "notice_mailbox"
    __table_args__ = (Index("ix_notice_mailbox_created_at", "created_at"),)

    id: Mapped[intpk]
    to_addr: Mapped[str] = mapped_column(String(255))
    subject: Mapped[str] = mapped_column(String(255))
    body: Mapped[str] = mapped_column(Text)
    headers: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
