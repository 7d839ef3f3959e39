"""Operations' own rows: the one-time tokens that make create forms idempotent."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from lms_plugin.db import Base, utcnow


class FormToken(Base):
    """A create form's one-time token, claimed by the first request that sends it.

    A double-click (or a resent form) sends the same token twice: the primary key lets exactly one
    request create the object; the other finds what the first made.
    """

    __tablename__ = "form_tokens"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
