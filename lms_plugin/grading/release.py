"""Releasing grades: the trainee sees the outcome, Moodle gets the score (via the AGS outbox)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from lms_plugin.accounts.models import LmsContext, User
from lms_plugin.courses.content import Assignment, localized
from lms_plugin.db import db, utcnow
from lms_plugin.errors import DomainError
from lms_plugin.grading.corrections import RERELEASED, released_values
from lms_plugin.grading.models import (
    PASS,
    READY,
    RELEASED,
    RELEASED_STATE,
    REVISE,
    Grade,
    Submission,
)
from lms_plugin.grading.rules import grade_reasons
from lms_plugin.grading.services import find_assignment, notify_progress
from lms_plugin.grading.workflow import audit, flush_versioned, snapshot

log = logging.getLogger("lms_plugin.grading")
COMMENT_LIMIT = 1000  # characters of feedback sent to the Moodle gradebook


def resource_id(assignment: Assignment) -> str:
    """The resourceId of the assignment's column: its module activity's (set by deep linking),
    or a journal's own column when its module is graded by something else (docs/gradebook.md)."""
    return assignment.resource_id or f"module:{assignment.module_id}"


def plain_comment(feedback: str, limit: int = COMMENT_LIMIT) -> str | None:
    """The overall feedback as plain text for the gradebook, truncated with an ellipsis."""
    text = " ".join(feedback.replace("\x00", "").split())
    if not text:
        return None
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@dataclass(frozen=True)
class ReleaseResult:
    """What a (bulk) release did."""

    released: list[Grade]
    skipped: list[Grade]


def release(actor: User, grades: Iterable[Grade]) -> ReleaseResult:
    """Release every ready grade given; others are skipped (reopened or released meanwhile)."""
    released: list[Grade] = []
    skipped: list[Grade] = []
    for grade in grades:
        if grade.state != READY or grade.outcome is None or _blocked_pass(grade):
            skipped.append(grade)
            continue
        _release_one(actor, grade)
        released.append(grade)
    if not released and skipped:
        raise DomainError(_("None of the selected grades is ready to release."), status_code=409)
    return ReleaseResult(released, skipped)


def _blocked_pass(grade: Grade) -> bool:
    """A pass that a must-pass criterion or a trigger forbids (the rubric changed since ready)."""
    if grade.outcome != PASS:
        return False
    located = find_assignment(grade.submission.assignment_id)
    return bool(grade_reasons(located.assignment, grade))


def _release_one(actor: User, grade: Grade) -> None:
    submission: Submission = grade.submission
    located = find_assignment(submission.assignment_id)
    # A correction's audit shows what the trainee had before against what they have now.
    correcting = grade.release_count > 0 and grade.released_values is not None
    before = grade.released_values if correcting else snapshot(grade)
    now = utcnow()
    grade.state = RELEASED
    grade.released_at = now
    grade.released_by_id = actor.id
    grade.updated_at = now
    grade.release_count += 1
    grade.released_values = released_values(grade)
    submission.state = RELEASED_STATE[str(grade.outcome)]
    flush_versioned(grade)  # a marker reopening it at this moment makes this a conflict
    audit(submission, actor, RERELEASED if correcting else "released", before, snapshot(grade))
    queue_grade(grade, located.assignment, located.course.default_language)
    db.session.flush()
    notify_progress(submission.user_id, submission.course_id)


def queue_grade(grade: Grade, assignment: Assignment, lang: str) -> Any:
    """Put the released score in the AGS outbox for the assignment's own line item."""
    try:
        from lms_plugin.lti.ags import LineItemSpec, queue_score
    except ImportError:  # pragma: no cover - the lti feature is part of the app
        log.warning("AGS is not available; grade %s is not sent to the platform", grade.id)
        return None
    submission = grade.submission
    context = db.session.get(LmsContext, submission.context_pk)
    lang = (context.gradebook_locale if context and context.gradebook_locale else lang)[:2]
    return queue_score(
        user_id=submission.user_id,
        context_pk=submission.context_pk,
        line_item=LineItemSpec(
            resource_id=resource_id(assignment),
            tag=assignment.kind,  # "assignment", or "journal" (the tag deep linking gave it)
            label=localized(assignment.title, lang)[:255],
            score_maximum=float(assignment.points),
        ),
        score_given=float(grade.total),
        score_maximum=float(assignment.points),
        activity_progress="Submitted" if grade.outcome == REVISE else "Completed",
        grading_progress="FullyGraded",
        comment=plain_comment(grade.feedback),
    )


def delivery_of(submission: Submission) -> Any:
    """The latest delivery of the trainee's score for the assignment, or None."""
    try:
        from lms_plugin.lti.ags import delivery_status
    except ImportError:  # pragma: no cover
        return None
    located = find_assignment(submission.assignment_id)
    return delivery_status(
        submission.user_id, submission.context_pk, resource_id(located.assignment)
    )
