"""Submissions (one row per attempt, never overwritten), files, grades, audit, comment bank."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms_plugin.db import Base, created_at, intpk, utcnow

# Submission.state: what the trainee sees; "passed"/"failed"/"needs_revision" only after release.
DRAFT = "draft"
SUBMITTED = "submitted"
NEEDS_REVISION = "needs_revision"
PASSED = "passed"
FAILED = "failed"

# Grade.state: the marking workflow; nothing reaches the trainee or Moodle before "released".
IN_PROGRESS = "in_progress"
READY = "ready"
RELEASED = "released"
GRADE_STATES = (IN_PROGRESS, READY, RELEASED)

# Grade.outcome, chosen by the marker (suggested from the pass mark).
PASS = "pass"  # noqa: S105 - an outcome, not a password
REVISE = "needs_revision"
FAIL = "fail"
OUTCOMES = (PASS, REVISE, FAIL)
RELEASED_STATE = {PASS: PASSED, REVISE: NEEDS_REVISION, FAIL: FAILED}


class Submission(Base):
    """One attempt of a trainee at an assignment: a draft until submitted, then frozen."""

    __tablename__ = "grading_submissions"
    __table_args__ = (
        UniqueConstraint("user_id", "assignment_id", "attempt"),
        Index("ix_grading_submissions_context_state", "context_pk", "state", "submitted_at"),
    )

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    context_pk: Mapped[int] = mapped_column(ForeignKey("lms_contexts.id", ondelete="CASCADE"))
    course_id: Mapped[str] = mapped_column(String(64))
    module_id: Mapped[str] = mapped_column(String(64))
    assignment_id: Mapped[str] = mapped_column(String(64))
    attempt: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(20), default=DRAFT)
    text: Mapped[str] = mapped_column(Text, default="")
    allocated_to_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[created_at]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None]

    files: Mapped[list[SubmissionFile]] = relationship(
        back_populates="submission", order_by="SubmissionFile.id", cascade="all, delete-orphan"
    )
    grade: Mapped[Grade | None] = relationship(back_populates="submission", uselist=False)


class SubmissionFile(Base):
    """A file of an attempt, stored under UPLOAD_DIR with a random name; type checked by content."""

    __tablename__ = "grading_submission_files"

    id: Mapped[intpk]
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("grading_submissions.id", ondelete="CASCADE"), index=True
    )
    stored_name: Mapped[str] = mapped_column(String(64), index=True)
    original_name: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(8))  # pdf, docx, odt, png, ...
    mimetype: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[created_at]

    submission: Mapped[Submission] = relationship(back_populates="files")


class Grade(Base):
    """The marking of one submission; `version` stops two markers overwriting each other."""

    __tablename__ = "grading_grades"

    id: Mapped[intpk]
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("grading_submissions.id", ondelete="CASCADE"), unique=True
    )
    state: Mapped[str] = mapped_column(String(20), default=IN_PROGRESS)
    outcome: Mapped[str | None] = mapped_column(String(20))
    total: Mapped[int] = mapped_column(Integer, default=0)
    feedback: Mapped[str] = mapped_column(Text, default="")
    marker_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[created_at]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    released_at: Mapped[datetime | None]
    released_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # How often it was released (more than once: corrected), and the values the trainee and
    # Moodle have: they stand while a correction is in progress, until it is released.
    release_count: Mapped[int] = mapped_column(Integer, default=0)
    released_values: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # Ids of the assignment's "needs revision" triggers the marker ticked (stored with the grade).
    triggers: Mapped[list[str] | None] = mapped_column(JSON)

    submission: Mapped[Submission] = relationship(back_populates="grade")
    scores: Mapped[list[CriterionScore]] = relationship(
        back_populates="grade", order_by="CriterionScore.id", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}

    def score(self, criterion_id: str) -> CriterionScore | None:
        return next((s for s in self.scores if s.criterion_id == criterion_id), None)


class CriterionScore(Base):
    """The level chosen for one rubric criterion, its points and the marker's comment."""

    __tablename__ = "grading_criterion_scores"
    __table_args__ = (UniqueConstraint("grade_id", "criterion_id"),)

    id: Mapped[intpk]
    grade_id: Mapped[int] = mapped_column(ForeignKey("grading_grades.id", ondelete="CASCADE"))
    criterion_id: Mapped[str] = mapped_column(String(64))
    level: Mapped[int | None] = mapped_column(Integer)  # index into Criterion.levels
    points: Mapped[int] = mapped_column(Integer, default=0)
    comment: Mapped[str] = mapped_column(Text, default="")

    grade: Mapped[Grade] = relationship(back_populates="scores")


class GradeAudit(Base):
    """Who changed which grade when, with the grade before and after."""

    __tablename__ = "grading_audit"

    id: Mapped[intpk]
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("grading_submissions.id", ondelete="CASCADE"), index=True
    )
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # save | ready | reopen | released | allocated | correction | rereleased
    action: Mapped[str] = mapped_column(String(20))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    reason: Mapped[str | None] = mapped_column(Text)  # why a released grade was reopened
    created_at: Mapped[created_at]


class CommentBankEntry(Base):
    """A reusable comment of one marker."""

    __tablename__ = "grading_comment_bank"

    id: Mapped[intpk]
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[created_at]
