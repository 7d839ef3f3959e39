"""Course versions, enrolments, lesson progress and knowledge-check attempts.

Progress is keyed by the stable ids of the content (course, module, lesson, quiz), never by a
version, so a trainee keeps their progress when the content changes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lms_plugin.db import Base, intpk, utcnow


class CourseVersion(Base):
    """One recorded state of a course's content (a new row whenever the content hash changes)."""

    __tablename__ = "course_versions"
    __table_args__ = (UniqueConstraint("course_id", "content_hash"),)

    id: Mapped[intpk]
    course_id: Mapped[str] = mapped_column(String(64), index=True)
    version: Mapped[str] = mapped_column(String(32))
    content_hash: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    # {"modules": [...], "lessons": [...], "quizzes": [...], "assignments": [...]}
    items: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Enrolment(Base):
    """A trainee's place in a course: when they started, on which version, where they left off."""

    __tablename__ = "enrolments"
    __table_args__ = (UniqueConstraint("user_id", "course_id"),)

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    course_id: Mapped[str] = mapped_column(String(64), index=True)
    context_pk: Mapped[int | None] = mapped_column(
        ForeignKey("lms_contexts.id", ondelete="SET NULL")
    )
    course_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("course_versions.id", ondelete="SET NULL")
    )
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_module_id: Mapped[str | None] = mapped_column(String(64))
    last_lesson_id: Mapped[str | None] = mapped_column(String(64))
    last_visited_at: Mapped[datetime | None]


class LessonProgress(Base):
    """A lesson a trainee opened, and when they marked it complete."""

    __tablename__ = "lesson_progress"
    __table_args__ = (
        UniqueConstraint("user_id", "course_id", "lesson_id"),
        Index("ix_lesson_progress_course_module", "course_id", "module_id"),
    )

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    course_id: Mapped[str] = mapped_column(String(64))
    lesson_id: Mapped[str] = mapped_column(String(64))
    module_id: Mapped[str] = mapped_column(String(64))
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime | None]


class QuizAttempt(Base):
    """One submitted knowledge-check attempt; the best attempt counts."""

    __tablename__ = "quiz_attempts"
    __table_args__ = (
        UniqueConstraint("user_id", "course_id", "quiz_id", "attempt_no"),
        Index("ix_quiz_attempts_course_quiz", "course_id", "quiz_id"),
    )

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    course_id: Mapped[str] = mapped_column(String(64))
    quiz_id: Mapped[str] = mapped_column(String(64))
    module_id: Mapped[str] = mapped_column(String(64))
    attempt_no: Mapped[int]
    # {question_id: [option ids] | true/false | {left index: right index}}
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    score_percent: Mapped[int]
    passed: Mapped[bool]
    # {question_id: {"correct": bool, ...}}
    results: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)


class AvailabilityException(Base):
    """A trainer opened a module (its lessons, check, assignment, files) early for one trainee."""

    __tablename__ = "availability_exceptions"
    __table_args__ = (UniqueConstraint("user_id", "course_id", "module_id"),)

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[str] = mapped_column(String(64))
    module_id: Mapped[str] = mapped_column(String(64))
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class QuizLayout(Base):
    """The questions drawn and the option order of one attempt, fixed when its form is first shown.

    A reload shows the same order; the answers are scored by option id, never by position.
    """

    __tablename__ = "quiz_layouts"
    __table_args__ = (UniqueConstraint("user_id", "course_id", "quiz_id", "attempt_no"),)

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    course_id: Mapped[str] = mapped_column(String(64))
    quiz_id: Mapped[str] = mapped_column(String(64))
    attempt_no: Mapped[int]
    # {"questions": [question ids in order], "options": {question id: [option ids in order]}}
    layout: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LessonActiveTime(Base):
    """Active seconds on one lesson (heartbeats; several tabs counted once).

    `is_legacy_completion` marks a lesson completed before time on task was recorded (set by
    migration 0015): the completion stands, and the trainer sees it flagged.
    """

    __tablename__ = "lesson_active_times"
    __table_args__ = (
        UniqueConstraint("user_id", "course_id", "lesson_id"),
        Index("ix_lesson_active_times_course_user", "course_id", "user_id"),
    )

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    course_id: Mapped[str] = mapped_column(String(64))
    module_id: Mapped[str] = mapped_column(String(64))
    lesson_id: Mapped[str] = mapped_column(String(64))
    seconds: Mapped[int] = mapped_column(default=0)
    is_legacy_completion: Mapped[bool] = mapped_column(default=False)
