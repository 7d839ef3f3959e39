"""Self-assessments (per trainee), who has answered the survey, and the anonymous answers.

`SurveyAnswer` holds no user id and no precise time (only the month), and its primary key is
random, so neither a column nor the row order links an answer to `SurveyParticipation`
(who has answered). docs/evaluation.md says what an operator with database access can still infer.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lms_plugin.db import Base, intpk, utcnow

ENTRY = "entry"
EXIT = "exit"
PHASES = (ENTRY, EXIT)


def random_id() -> str:
    """A primary key that carries no order (unlike an autoincrement)."""
    return secrets.token_hex(16)


class SelfAssessment(Base):
    """A trainee's ratings of the course's competence statements at entry or at exit."""

    __tablename__ = "evaluation_self_assessments"
    __table_args__ = (UniqueConstraint("user_id", "course_id", "phase"),)

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    course_id: Mapped[str] = mapped_column(String(64))
    phase: Mapped[str] = mapped_column(String(8))  # entry | exit
    ratings: Mapped[dict[str, Any]] = mapped_column(JSON)  # {statement_id: value}
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)


class SurveyParticipation(Base):
    """That a trainee has answered the survey (one per trainee and course); not what they said."""

    __tablename__ = "evaluation_survey_participations"
    __table_args__ = (UniqueConstraint("user_id", "course_id"),)

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    course_id: Mapped[str] = mapped_column(String(64))
    context_pk: Mapped[int | None] = mapped_column(
        ForeignKey("lms_contexts.id", ondelete="SET NULL")
    )
    answered_at: Mapped[datetime] = mapped_column(default=utcnow)


class SurveyAnswer(Base):
    """One anonymous set of answers: the group (course + context) and the month, nothing else."""

    __tablename__ = "evaluation_survey_answers"
    __table_args__ = (
        Index("ix_evaluation_survey_answers_group", "course_id", "context_pk"),
        # SQLite stores a table in rowid (insertion) order; without a rowid, rows are kept in the
        # order of the random key.
        {"sqlite_with_rowid": False},
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=random_id)
    course_id: Mapped[str] = mapped_column(String(64))
    context_pk: Mapped[int | None] = mapped_column(
        ForeignKey("lms_contexts.id", ondelete="CASCADE")
    )
    month: Mapped[str] = mapped_column(String(7))  # "2026-12"
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)  # {question_id: value or text}
