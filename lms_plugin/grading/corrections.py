"""Correcting a released grade: reopened with a reason, while the trainee and Moodle keep the
released values until the correction is released again (release.py does that, to the same line
item). A certificate already issued is never touched here: coordinators revoke with a reason."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import exists, select

from lms_plugin import providers
from lms_plugin.accounts.current import CurrentLaunch
from lms_plugin.accounts.models import Role, User
from lms_plugin.audit_time import labelled
from lms_plugin.db import db, utcnow
from lms_plugin.errors import DomainError
from lms_plugin.grading import audit_text
from lms_plugin.grading.access import is_trainer_of
from lms_plugin.grading.models import IN_PROGRESS, PASS, RELEASED, Grade, GradeAudit, Submission
from lms_plugin.grading.services import find_assignment
from lms_plugin.grading.workflow import audit, check_version, flush_versioned, snapshot

CORRECTION = "correction"  # audit action: a released grade reopened, with the reason
RERELEASED = "rereleased"  # audit action: a correction released (before = what was released)
MIN_REASON = 10
MAX_REASON = 2000


@dataclass(frozen=True)
class ReleasedScore:
    """One criterion as it was released."""

    level: int | None
    points: int
    comment: str


@dataclass(frozen=True)
class ReleasedGrade:
    """The values the trainee and Moodle have; shaped like Grade for the feedback templates."""

    total: int
    outcome: str | None
    feedback: str
    scores: dict[str, ReleasedScore]
    triggers: tuple[str, ...] = ()

    @classmethod
    def of(cls, values: dict[str, Any]) -> ReleasedGrade:
        scores = {
            cid: ReleasedScore(s.get("level"), int(s.get("points") or 0), s.get("comment") or "")
            for cid, s in (values.get("scores") or {}).items()
        }
        return cls(
            int(values.get("total") or 0),
            values.get("outcome"),
            values.get("feedback") or "",
            scores,
            tuple(str(t) for t in values.get("triggers") or ()),
        )

    def score(self, criterion_id: str) -> ReleasedScore | None:
        return self.scores.get(criterion_id)


def released_values(grade: Grade) -> dict[str, Any]:
    """The grade as the trainee and Moodle get it (the lock's version is not part of it)."""
    values = snapshot(grade) or {}
    values.pop("version", None)
    values["state"] = RELEASED
    return values


def visible_grade(grade: Grade | None) -> Grade | ReleasedGrade | None:
    """What the trainee sees: the released grade, or during a correction the values released."""
    if grade is None:
        return None
    if grade.state == RELEASED:
        return grade
    return ReleasedGrade.of(grade.released_values) if grade.released_values else None


def in_correction(grade: Grade | None) -> bool:
    """Released once, now being marked again."""
    return grade is not None and grade.release_count > 0 and grade.state != RELEASED


def may_correct(launch: CurrentLaunch, submission: Submission) -> bool:
    """A trainer of the submission's own course (or an admin) reopens its released grade."""
    if launch.role == Role.ADMIN and providers.may_read_person(launch, submission.user_id):
        return True
    return is_trainer_of(launch.user.id, submission.context_pk)


def reopen_for_correction(actor: User, submission: Submission, version: int, reason: str) -> Grade:
    """Released → in progress with a reason; the released values stay what the trainee sees."""
    grade = submission.grade
    if grade is None or grade.state != RELEASED:
        raise DomainError(
            _("Only a released grade can be reopened for correction."), status_code=409
        )
    reason = reason.replace("\x00", "").strip()
    if len(reason) < MIN_REASON:
        raise DomainError(
            _(
                "Give the reason for the correction (at least %(n)d characters); "
                "it is kept in the grade's history.",
                n=MIN_REASON,
            ),
            status_code=422,
        )
    if len(reason) > MAX_REASON:
        raise DomainError(
            _("The reason is longer than %(n)d characters.", n=MAX_REASON), status_code=422
        )
    if _has_later_attempt(submission):
        raise DomainError(
            _("The trainee has already started a later attempt; correct that attempt instead."),
            status_code=409,
        )
    check_version(grade, version)
    before = snapshot(grade)
    if grade.released_values is None:  # released before corrections existed
        grade.released_values = released_values(grade)
    grade.state = IN_PROGRESS
    grade.updated_at = utcnow()
    flush_versioned(grade)
    audit(submission, actor, CORRECTION, before, snapshot(grade), reason=reason)
    db.session.flush()
    return grade


def _has_later_attempt(submission: Submission) -> bool:
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    Submission.user_id == submission.user_id,
                    Submission.assignment_id == submission.assignment_id,
                    Submission.attempt > submission.attempt,
                )
            )
        )
    )


def certificate_at_stake(submission: Submission) -> Any:
    """The trainee's valid certificate when this assignment's released pass counted towards it."""
    grade = submission.grade
    values = grade.released_values if grade is not None else None
    if not values or values.get("outcome") != PASS:
        return None
    located = find_assignment(submission.assignment_id)
    rules = located.course.certification
    if not rules.require_assignments_passed or located.module.kind != "core":
        return None
    return providers.valid_certificate(submission.user_id, submission.course_id)


@dataclass(frozen=True)
class CorrectionEntry:
    """One line of a grade's correction history."""

    at: datetime
    action: str
    actor_name: str
    reason: str | None
    before: ReleasedGrade | None
    after: ReleasedGrade | None
    when: str = ""  # programme time, the zone named (audit_time.labelled)
    text: str = ""  # the sentence (grading/audit_text.py), without the reason


def history(submission_id: int, points: int | None = None) -> list[CorrectionEntry]:
    """Reopenings for correction and re-releases of this submission's grade, oldest first."""
    rows = db.session.execute(
        select(GradeAudit, User.name)
        .outerjoin(User, User.id == GradeAudit.actor_id)
        .where(
            GradeAudit.submission_id == submission_id,
            GradeAudit.action.in_((CORRECTION, RERELEASED)),
        )
        .order_by(GradeAudit.id)
    ).all()
    return [
        CorrectionEntry(
            at=row.created_at,
            action=row.action,
            actor_name=name or _("A former user"),
            reason=row.reason,
            before=ReleasedGrade.of(row.before) if row.before else None,
            after=ReleasedGrade.of(row.after) if row.after else None,
            when=labelled(row.created_at),
            text=audit_text.sentence(
                row.action, name or _("A former user"), row.before, row.after, points=points
            ),
        )
        for row, name in rows
    ]


@dataclass(frozen=True)
class CorrectionPanel:
    """What the trainer's grading page shows about corrections."""

    can_correct: bool
    in_correction: bool
    released: ReleasedGrade | None
    certificate: Any
    history: list[CorrectionEntry]


def panel(launch: CurrentLaunch, submission: Submission, is_marker: bool) -> CorrectionPanel:
    """The correction part of the grading page (certificate and history only when relevant)."""
    grade = submission.grade
    if grade is None or grade.release_count == 0:
        return CorrectionPanel(False, False, None, None, [])
    return CorrectionPanel(
        can_correct=is_marker and grade.state == RELEASED and may_correct(launch, submission),
        in_correction=in_correction(grade),
        released=ReleasedGrade.of(grade.released_values) if grade.released_values else None,
        certificate=certificate_at_stake(submission) if is_marker else None,
        history=history(submission.id, find_assignment(submission.assignment_id).assignment.points),
    )


def certificate_warning(user_id: int) -> str:
    """Said after a correction took away a pass that a certificate was issued on."""
    person = db.session.get(User, user_id)
    return _(
        "%(name)s still holds a mentor certificate issued while this assignment counted as "
        "passed. It is not revoked automatically: ask a coordinator to review it.",
        name=person.display_name if person else "?",
    )
