"""Export per criterion: one row per graded submission, as CSV (the locale's convention, UTF-8
with BOM for Excel) or .xlsx (`lms_plugin.tabular`)."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import aliased, selectinload

from lms_plugin.accounts.models import User
from lms_plugin.courses.content import Assignment, Criterion, localized
from lms_plugin.db import db
from lms_plugin.grading.models import (
    DRAFT,
    FAIL,
    IN_PROGRESS,
    PASS,
    READY,
    RELEASED,
    REVISE,
    Grade,
    Submission,
)
from lms_plugin.grading.queue import trainee_ids
from lms_plugin.grading.services import find_assignment
from lms_plugin.tabular import Column, csv_text


def _level_title(criterion: Criterion, index: int | None, lang: str) -> str:
    if index is None or not 0 <= index < len(criterion.levels):
        return ""
    return localized(criterion.levels[index].title, lang)


def is_corrected(grade: Grade) -> bool:
    """Released more than once, or reopened for correction after its release."""
    return grade.release_count > 1 or (grade.release_count == 1 and grade.state != RELEASED)


def _outcome(code: str | None) -> str:
    labels = {PASS: _("Pass"), REVISE: _("Needs revision"), FAIL: _("Fail")}
    return labels.get(code or "", code or "")


def _state(code: str) -> str:
    labels = {IN_PROGRESS: _("In progress"), READY: _("Ready to release"), RELEASED: _("Released")}
    return labels.get(code, code)


def export_table(
    context_pk: int, lang: str, assignment_id: str = ""
) -> tuple[list[Column], list[list[object]]]:
    """The graded submissions of the context's trainees with every criterion's level and points:
    headers and values in the reader's language (as the grade page shows them)."""
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
    found = db.session.execute(stmt).all()
    assignments: dict[str, Assignment] = {}
    for sub, *_rest in found:
        if sub.assignment_id not in assignments:
            assignments[sub.assignment_id] = find_assignment(sub.assignment_id).assignment
    criteria: list[Criterion] = [c for a in assignments.values() for c in a.rubric]
    columns = [
        Column(_("Trainee")),
        Column(_("Moodle user id")),
        Column(_("Assignment")),
        Column(_("Attempt")),
    ]
    for criterion in criteria:
        title = localized(criterion.title, lang)
        columns += [
            Column(_("%(criterion)s: level", criterion=title)),
            Column(_("%(criterion)s: points", criterion=title)),
        ]
    columns += [
        Column(_("Total")),
        Column(_("Maximum")),
        Column(_("Outcome")),
        Column(_("Marking")),
        Column(_("Marker")),
        Column(_("Submitted"), is_time=True),
        Column(_("Released"), is_time=True),
        # Corrections: how often released, and what the trainee and Moodle have right now.
        Column(_("Times released")),
        Column(_("Corrected")),
        Column(_("Released total")),
        Column(_("Released outcome")),
    ]
    rows: list[list[object]] = []
    for sub, grade, person, by in found:
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
                line += [None, None]
            else:
                line += [
                    _level_title(criterion, score.level, lang),
                    score.points if score.level is not None else None,
                ]
        line += [
            grade.total,
            assignment.points,
            _outcome(grade.outcome),
            _state(grade.state),
            by.display_name if by else None,
            sub.submitted_at,
            grade.released_at,
            grade.release_count,
            is_corrected(grade),
            released.get("total"),
            _outcome(released.get("outcome")) if released.get("outcome") else None,
        ]
        rows.append(line)
    return columns, rows


def export_csv(context_pk: int, lang: str, assignment_id: str = "") -> str:
    """The export as CSV in the reader's convention (";" and local times in Hungarian)."""
    columns, rows = export_table(context_pk, lang, assignment_id)
    return csv_text(columns, rows, lang)
