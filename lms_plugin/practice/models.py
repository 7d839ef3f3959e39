"""The practice LMS's own data: its activities (resource links), gradebook columns and scores."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms_plugin.db import Base, created_at, intpk


class PracticeResourceLink(Base):
    """An activity in the practice course that launches the tool (Moodle: an External tool)."""

    __tablename__ = "practice_resource_links"

    id: Mapped[intpk]
    context_id: Mapped[str] = mapped_column(String(64), index=True)
    title: Mapped[str] = mapped_column(String(255))
    text: Mapped[str] = mapped_column(Text, default="")
    target: Mapped[str] = mapped_column(String(255), default="home")
    custom_json: Mapped[str] = mapped_column(Text, default="{}")
    url: Mapped[str | None] = mapped_column(Text)
    created_via: Mapped[str] = mapped_column(String(16), default="seed")  # seed | deep_link
    created_at: Mapped[created_at]

    line_items: Mapped[list[PracticeLineItem]] = relationship(back_populates="resource_link")


class PracticeLineItem(Base):
    """A gradebook column; each activity has its own, tools may add more through AGS."""

    __tablename__ = "practice_line_items"

    id: Mapped[intpk]
    context_id: Mapped[str] = mapped_column(String(64), index=True)
    resource_link_pk: Mapped[int | None] = mapped_column(
        ForeignKey("practice_resource_links.id", ondelete="SET NULL")
    )
    label: Mapped[str] = mapped_column(String(255))
    score_maximum: Mapped[float] = mapped_column(Float)
    resource_id: Mapped[str] = mapped_column(String(255), default="")
    tag: Mapped[str] = mapped_column(String(255), default="")
    start_date_time: Mapped[str | None] = mapped_column(String(40))
    end_date_time: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[created_at]

    resource_link: Mapped[PracticeResourceLink | None] = relationship(back_populates="line_items")


class PracticeScore(Base):
    """One score as the tool posted it; the newest per user and line item is the result."""

    __tablename__ = "practice_scores"
    __table_args__ = (Index("ix_practice_scores_item_user", "line_item_id", "user_sub"),)

    id: Mapped[intpk]
    line_item_id: Mapped[int] = mapped_column(
        ForeignKey("practice_line_items.id", ondelete="CASCADE")
    )
    user_sub: Mapped[str] = mapped_column(String(64))
    score_given: Mapped[float | None] = mapped_column(Float)
    score_maximum: Mapped[float | None] = mapped_column(Float)
    activity_progress: Mapped[str] = mapped_column(String(20))
    grading_progress: Mapped[str] = mapped_column(String(20))
    comment: Mapped[str | None] = mapped_column(Text)
    timestamp: Mapped[datetime]
    is_gradable: Mapped[bool] = mapped_column(default=True)
    received_at: Mapped[created_at]
