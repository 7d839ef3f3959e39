"""Marking: server-side totals, in_progress → ready → released, optimistic locking, audit."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from lms_plugin.accounts.models import User
from lms_plugin.courses.content import Assignment
from lms_plugin.db import db, utcnow
from lms_plugin.errors import Conflict, DomainError
from lms_plugin.grading import rules
from lms_plugin.grading.field_errors import FieldError
from lms_plugin.grading.models import (
    FAIL,
    IN_PROGRESS,
    OUTCOMES,
    PASS,
    READY,
    RELEASED,
    REVISE,
    CriterionScore,
    Grade,
    GradeAudit,
    Submission,
)

MAX_COMMENT = 5000
MAX_FEEDBACK = 20000


class GradeConflict(Conflict):
    """Another marker saved the grade since this form was loaded."""

    def __init__(self, saved_at: datetime, marker: str) -> None:
        super().__init__(
            _(
                "Another marker (%(name)s) saved this grade at %(time)s; "
                "your changes were not saved — reload to see theirs.",
                name=marker,
                time=_hhmm(saved_at),
            )
        )
        self.saved_at = saved_at
        self.marker = marker


def _hhmm(moment: datetime) -> str:
    from flask_babel import format_time

    return str(format_time(moment, "HH:mm"))


@dataclass
class Marking:
    """What a marker sent: a level per criterion (index or None), comments, feedback, outcome."""

    version: int
    levels: dict[str, int | None] = field(default_factory=dict)
    comments: dict[str, str] = field(default_factory=dict)
    feedback: str = ""
    outcome: str | None = None
    # Points chosen within a level's range (absent: the top of the range).
    points: dict[str, int | None] = field(default_factory=dict)
    triggers: list[str] = field(default_factory=list)


def criterion_points(
    assignment: Assignment,
    levels: dict[str, int | None],
    points: dict[str, int | None] | None = None,
) -> dict[str, int]:
    """Points per criterion with a chosen level; unknown criteria, levels or points are refused."""
    known = {c.id: c for c in assignment.rubric}
    for criterion_id in levels:
        if criterion_id not in known:
            raise DomainError(
                _("Unknown rubric criterion %(id)s.", id=criterion_id), status_code=422
            )
    chosen: dict[str, int] = {}
    for criterion in assignment.rubric:
        index = levels.get(criterion.id)
        if index is None:
            continue
        if not 0 <= index < len(criterion.levels):
            message = _("Unknown level for criterion %(id)s.", id=criterion.id)
            raise FieldError(message, {f"level-{criterion.id}": message})
        level = criterion.levels[index]
        given = (points or {}).get(criterion.id)
        if given is None or not level.has_range:
            chosen[criterion.id] = level.points
        elif level.low <= given <= level.points:
            chosen[criterion.id] = given
        else:
            message = _(
                "The points for %(id)s must be from %(low)d to %(high)d at this level.",
                id=criterion.id,
                low=level.low,
                high=level.points,
            )
            raise FieldError(message, {f"points-{criterion.id}": message})
    return chosen


def compute_total(
    assignment: Assignment,
    levels: dict[str, int | None],
    points: dict[str, int | None] | None = None,
) -> int:
    """The sum of the chosen levels' points (within a level's range: the points chosen)."""
    return sum(criterion_points(assignment, levels, points).values())


def is_last_attempt(assignment: Assignment, attempt: int) -> bool:
    """True when no resubmission would be allowed after this attempt."""
    return assignment.max_attempts > 0 and attempt >= assignment.max_attempts


def suggest_outcome(assignment: Assignment, total: int, attempt: int, blocked: bool = False) -> str:
    """Pass at or above the pass mark unless a rule blocks it; else revision while attempts
    remain, else fail."""
    if total >= assignment.pass_mark and not blocked:
        return PASS
    return FAIL if is_last_attempt(assignment, attempt) else REVISE


def check_triggers(assignment: Assignment, triggers: list[str]) -> list[str]:
    """The ticked trigger ids in course order; an id the assignment does not declare is refused."""
    declared = [t.id for t in assignment.revision_triggers]
    for trigger_id in triggers:
        if trigger_id not in declared:
            raise DomainError(
                _("Unknown revision trigger %(id)s.", id=trigger_id[:64]), status_code=422
            )
    return [t for t in declared if t in set(triggers)]


def refuse_blocked_pass(reasons: list[rules.Reason], lang: str) -> None:
    """A pass with a rule against it is refused, naming the rule."""
    if reasons:
        message = _(
            "Pass is not possible: %(reasons)s. Choose needs revision (or fail on the "
            "last attempt).",
            reasons="; ".join(r.title(lang) for r in reasons),
        )
        raise FieldError(message, {"outcome": message})


def snapshot(grade: Grade | None) -> dict[str, Any] | None:
    """The grade as stored, for the audit's before/after."""
    if grade is None:
        return None
    return {
        "state": grade.state,
        "outcome": grade.outcome,
        "total": grade.total,
        "feedback": grade.feedback,
        "marker_id": grade.marker_id,
        "version": grade.version,
        "triggers": list(grade.triggers or []),
        "scores": {
            s.criterion_id: {"level": s.level, "points": s.points, "comment": s.comment}
            for s in grade.scores
        },
    }


def audit(
    submission: Submission,
    actor: User,
    action: str,
    before: Any,
    after: Any,
    *,
    reason: str | None = None,
) -> None:
    """One audit row; flushed with the change it records."""
    db.session.add(
        GradeAudit(
            submission_id=submission.id,
            actor_id=actor.id,
            action=action,
            before=before,
            after=after,
            reason=reason,
        )
    )


def save_grade(
    actor: User,
    submission: Submission,
    assignment: Assignment,
    marking: Marking,
    *,
    mark_ready: bool,
) -> Grade:
    """Store the marker's work (version-checked); `mark_ready` needs every level and an outcome."""
    if submission.state == "draft":
        raise DomainError(_("Drafts cannot be graded."), status_code=409)
    grade = submission.grade
    check_version(grade, marking.version)
    if grade is not None and grade.state == RELEASED:
        raise DomainError(
            _("This grade has been released and can no longer be changed."), status_code=409
        )
    chosen_points = criterion_points(assignment, marking.levels, marking.points)
    total = sum(chosen_points.values())
    ticked = check_triggers(assignment, marking.triggers)
    outcome = marking.outcome or None
    if outcome is not None and outcome not in OUTCOMES:
        message = _("Choose pass, needs revision or fail.")
        raise FieldError(message, {"outcome": message})
    if outcome == PASS:
        refuse_blocked_pass(rules.reasons(assignment, marking.levels, ticked), _content_lang())
    if outcome == REVISE and is_last_attempt(assignment, submission.attempt):
        message = _("This is the trainee's last allowed attempt: choose pass or fail.")
        raise FieldError(message, {"outcome": message})
    if mark_ready:
        missing = [c for c in assignment.rubric if marking.levels.get(c.id) is None]
        if missing:
            raise FieldError(
                _("Choose a level for every criterion before marking the grade ready."),
                {f"level-{c.id}": _("Choose a level for this criterion.") for c in missing},
            )
        if outcome is None:
            message = _("Choose the outcome before marking the grade ready.")
            raise FieldError(message, {"outcome": message})
    before = snapshot(grade)
    # No autoflush: the one flush below is where a concurrent write is detected.
    with db.session.no_autoflush:
        if grade is None:
            grade = Grade(submission=submission, state=IN_PROGRESS)
            db.session.add(grade)
        grade.total = total
        grade.outcome = outcome
        grade.triggers = ticked
        grade.feedback = marking.feedback.replace("\x00", "")[:MAX_FEEDBACK]
        grade.marker_id = actor.id
        grade.state = READY if mark_ready else IN_PROGRESS
        grade.updated_at = utcnow()
        for criterion_id in [c.id for c in assignment.rubric]:
            index = marking.levels.get(criterion_id)
            comment = marking.comments.get(criterion_id, "").replace("\x00", "")[:MAX_COMMENT]
            row = grade.score(criterion_id)
            if row is None:
                row = CriterionScore(criterion_id=criterion_id)
                grade.scores.append(row)
            row.level = index
            row.points = chosen_points.get(criterion_id, 0)
            row.comment = comment
    flush_versioned(grade)
    audit(submission, actor, "ready" if mark_ready else "save", before, snapshot(grade))
    db.session.flush()
    return grade


def _content_lang() -> str:
    from flask_babel import get_locale

    return str(get_locale() or "hu")[:2]


def check_version(grade: Grade | None, version: int) -> None:
    """The form's version must be the stored one, else GradeConflict names who saved meanwhile."""
    current = grade.version if grade is not None else 0
    if version != current:
        if grade is None:
            raise DomainError(
                _("This grade form is out of date; reload the page."), status_code=409
            )
        marker = db.session.get(User, grade.marker_id) if grade.marker_id else None
        raise GradeConflict(grade.updated_at, marker.display_name if marker else "?")


def flush_versioned(grade: Grade) -> None:
    """Flush; a writer between our read and our write surfaces as a conflict, not an overwrite."""
    try:
        db.session.flush()
    except (StaleDataError, IntegrityError) as exc:
        db.session.rollback()
        raise Conflict(
            _(
                "Another marker saved this grade at the same moment; "
                "your changes were not saved — reload to see theirs."
            )
        ) from exc


def reopen(actor: User, submission: Submission, version: int) -> Grade:
    """Ready → in progress (a marker wants to change something before release)."""
    grade = submission.grade
    if grade is None or grade.state != READY:
        raise DomainError(_("Only grades marked ready can be reopened."), status_code=409)
    check_version(grade, version)
    before = snapshot(grade)
    grade.state = IN_PROGRESS
    grade.updated_at = utcnow()
    flush_versioned(grade)
    audit(submission, actor, "reopen", before, snapshot(grade))
    db.session.flush()
    return grade


def allocate(actor: User, submission: Submission, marker: User | None) -> Submission:
    """Give a submission to a marker (None: unallocated); audited."""
    if submission.state == "draft":
        raise DomainError(_("Drafts cannot be allocated."), status_code=409)
    before = {"allocated_to_id": submission.allocated_to_id}
    submission.allocated_to_id = marker.id if marker else None
    audit(submission, actor, "allocated", before, {"allocated_to_id": submission.allocated_to_id})
    db.session.flush()
    return submission
