"""CSV export per criterion: one row per graded submission (UTF-8 with BOM for Excel)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import aliased, selectinload

from lms_plugin.accounts.models import User
from lms_plugin.courses.content import Assignment, Criterion, localized
from lms_plugin.csv_export import BOM, SafeCsv
from lms_plugin.db import db
from lms_plugin.grading.models import DRAFT, RELEASED, Grade, Submission
from lms_plugin.grading.queue import trainee_ids
from lms_plugin.grading.services import find_assignment


def _level_title(criterion: Criterion, index: int | None, lang: str) -> str:
    if index is None or not 0 <= index < len(criterion.levels):
        return ""
    return localized(criterion.levels[index].title, lang)


def is_corrected(grade: Grade) -> bool:
    """Released more than once, or reopened for correction after its release."""
    return grade.release_count > 1 or (grade.release_count == 1 and grade.state != RELEASED)


def export_csv(context_pk: int, lang: str, assignment_id: str = "") -> str:
    """The graded submissions of the context's trainees with every criterion's level and points."""
    trainee = aliased(User)
    marker = aliased(User)
    stmt = (
        select(Submission, Grade, trainee, marker)
        .join(Grade, Grade.submission_id == Submission.id)
        .join(trainee, trainee.id == Submission.user_id)
        .outerjoin(marker, marker.id == Grade.marker_id)
        .where(Submission.state != DRAFT, Submission.user_id.in_(trainee_ids(context_pk)))
        .options(selectinload(Grade.scores))
        .order_by(Submission.assignment_id, trainee.name, Submission.attempt)
    )
    if assignment_id:
        stmt = stmt.where(Submission.assignment_id == assignment_id)
    rows = db.session.execute(stmt).all()
    assignments: dict[str, Assignment] = {}
    for sub, *_rest in rows:
        if sub.assignment_id not in assignments:
            assignments[sub.assignment_id] = find_assignment(sub.assignment_id).assignment
    criteria: list[Criterion] = [c for a in assignments.values() for c in a.rubric]
    writer = SafeCsv()
    header = ["trainee", "trainee_id", "assignment", "attempt"]
    for criterion in criteria:
        title = localized(criterion.title, lang)
        header += [f"{title} [{criterion.id}] level", f"{title} [{criterion.id}] points"]
    header += ["total", "max", "outcome", "state", "marker", "submitted_at", "released_at"]
    # Corrections: how often released, and what the trainee and Moodle have right now.
    header += ["release_count", "corrected", "released_total", "released_outcome"]
    writer.writerow(header)
    for sub, grade, person, by in rows:
        assignment = assignments[sub.assignment_id]
        own = {c.id for c in assignment.rubric}
        released = grade.released_values or {}
        line: list[object] = [
            person.display_name,
            person.sub,
            localized(assignment.title, lang),
            sub.attempt,
        ]
        for criterion in criteria:
            score = grade.score(criterion.id) if criterion.id in own else None
            if score is None:
                line += ["", ""]
            else:
                line += [
                    _level_title(criterion, score.level, lang),
                    score.points if score.level is not None else "",
                ]
        line += [
            grade.total,
            assignment.points,
            grade.outcome or "",
            grade.state,
            by.display_name if by else "",
            sub.submitted_at.isoformat() if sub.submitted_at else "",
            grade.released_at.isoformat() if grade.released_at else "",
            grade.release_count,
            "yes" if is_corrected(grade) else "",
            released.get("total", ""),
            released.get("outcome") or "",
        ]
        writer.writerow(line)
    return BOM + writer.take()
