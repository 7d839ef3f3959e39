"""Journal entries: a trainee's dated practicum entries, lesson reflections and private notes.

The entries stay editable until the journal is submitted; submitting compiles them into a grading
`Submission` (assignment_id = the journal's id), so marking, release, corrections and the Moodle
column are grading's own. Whether a journal is locked is read from that submission's state.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lms_plugin.db import Base, created_at, intpk, utcnow

# JournalEntry.kind
SESSION = "session"  # a dated practicum entry answering the journal's entry prompts
REFLECTION = "reflection"  # an answer to a lesson's reflection prompt, kept in the journal
NOTE = "note"  # a reflection kept privately because the course has no journal
KINDS = (SESSION, REFLECTION, NOTE)


class JournalEntry(Base):
    """One entry of a trainee's journal (or a private note when `journal_id` is "")."""

    __tablename__ = "journal_entries"
    __table_args__ = (
        Index("ix_journal_entries_user_course_journal", "user_id", "course_id", "journal_id"),
        # One answer per lesson reflection prompt (NULLs are distinct: session entries repeat).
        UniqueConstraint("user_id", "course_id", "lesson_id", "prompt_id"),
    )

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    course_id: Mapped[str] = mapped_column(String(64))
    journal_id: Mapped[str] = mapped_column(String(64))  # "" for a private note
    module_id: Mapped[str] = mapped_column(String(64))  # the journal's (a note: the lesson's)
    kind: Mapped[str] = mapped_column(String(20), default=SESSION)
    entry_date: Mapped[date]
    title: Mapped[str] = mapped_column(String(200), default="")
    # One Markdown answer per entry prompt (a reflection: one answer to its lesson prompt).
    answers: Mapped[list[Any]] = mapped_column(JSON, default=list)
    lesson_id: Mapped[str | None] = mapped_column(String(64))
    prompt_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[created_at]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
