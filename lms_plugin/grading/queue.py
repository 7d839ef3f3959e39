"""The marking queue of one context: submitted work of its trainees, oldest first, in one query."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import aliased

from lms_plugin.accounts.models import Membership, Role, User
from lms_plugin.db import db
from lms_plugin.grading.models import DRAFT, GRADE_STATES, Grade, Submission

STATUSES = ("open", "new", *GRADE_STATES, "all")  # "open": everything not yet released
LIMIT = 500


@dataclass(frozen=True)
class QueueFilter:
    """What the trainer asked to see."""

    context_pk: int
    module_id: str = ""
    assignment_id: str = ""
    status: str = "open"
    mine_only: bool = False
    viewer_id: int = 0


@dataclass(frozen=True)
class QueueRow:
    """One submitted attempt in the queue."""

    submission_id: int
    trainee_id: int
    trainee_name: str
    module_id: str
    assignment_id: str
    attempt: int
    submitted_at: datetime | None
    grade_state: str  # new | in_progress | ready | released
    outcome: str | None
    total: int | None
    marker_name: str | None
    allocated_to_id: int | None
    allocated_to_name: str | None
    grade_id: int | None
    release_count: int = 0  # released before and not released now: a correction in progress


def trainee_ids(context_pk: int) -> Select[int]:
    """The trainees of a context (roster-only members included)."""
    return select(Membership.user_id).where(
        Membership.context_pk == context_pk, Membership.role == Role.TRAINEE.value
    )


def queue(query: QueueFilter) -> list[QueueRow]:
    """Submitted attempts of the context's trainees, filtered, oldest submitted first."""
    trainee = aliased(User)
    allocated = aliased(User)
    marker = aliased(User)
    stmt = (
        select(Submission, trainee, Grade, allocated, marker)
        .join(trainee, trainee.id == Submission.user_id)
        .outerjoin(Grade, Grade.submission_id == Submission.id)
        .outerjoin(allocated, allocated.id == Submission.allocated_to_id)
        .outerjoin(marker, marker.id == Grade.marker_id)
        .where(Submission.state != DRAFT, Submission.user_id.in_(trainee_ids(query.context_pk)))
    )
    if query.module_id:
        stmt = stmt.where(Submission.module_id == query.module_id)
    if query.assignment_id:
        stmt = stmt.where(Submission.assignment_id == query.assignment_id)
    if query.mine_only:
        stmt = stmt.where(Submission.allocated_to_id == query.viewer_id)
    if query.status == "open":
        stmt = stmt.where((Grade.id.is_(None)) | (Grade.state != "released"))
    elif query.status == "new":
        stmt = stmt.where(Grade.id.is_(None))
    elif query.status in GRADE_STATES:
        stmt = stmt.where(Grade.state == query.status)
    stmt = stmt.order_by(Submission.submitted_at, Submission.id).limit(LIMIT)
    rows = []
    for sub, person, grade, to, by in db.session.execute(stmt).all():
        rows.append(
            QueueRow(
                submission_id=sub.id,
                trainee_id=person.id,
                trainee_name=person.display_name,
                module_id=sub.module_id,
                assignment_id=sub.assignment_id,
                attempt=sub.attempt,
                submitted_at=sub.submitted_at,
                grade_state=grade.state if grade else "new",
                outcome=grade.outcome if grade else None,
                total=grade.total if grade else None,
                marker_name=by.display_name if by else None,
                allocated_to_id=sub.allocated_to_id,
                allocated_to_name=to.display_name if to else None,
                grade_id=grade.id if grade else None,
                release_count=grade.release_count if grade else 0,
            )
        )
    return rows


def markers(context_pk: int) -> list[User]:
    """The trainers of a context, for allocation."""
    return list(
        db.session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.context_pk == context_pk,
                Membership.role == Role.TRAINER.value,
                Membership.is_active.is_(True),
            )
            .order_by(User.name)
        )
    )
