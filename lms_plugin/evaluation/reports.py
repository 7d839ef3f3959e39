"""The trainer's view of the self-assessments: per trainee of the cohort and per statement."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, func, select

from lms_plugin.accounts.models import Membership, Role, User
from lms_plugin.courses.content import Course
from lms_plugin.db import db
from lms_plugin.evaluation.models import ENTRY, EXIT, SelfAssessment
from lms_plugin.evaluation.services import StatementChange, assessment_format


@dataclass(frozen=True)
class TraineeRow:
    """One trainee of the cohort: entry and exit ratings, and the change per statement."""

    user_id: int
    name: str
    has_entry: bool
    has_exit: bool
    changes: tuple[StatementChange, ...]


@dataclass(frozen=True)
class CohortComparison:
    """Per trainee, and per statement the cohort's average entry, exit and change."""

    trainees: tuple[TraineeRow, ...]
    statements: tuple[StatementChange, ...]
    compared: int  # trainees with both an entry and an exit


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def cohort_comparison(course: Course, context_pk: int) -> CohortComparison:
    """Active trainees of the context with their self-assessments (one query)."""
    fmt = assessment_format(course)
    name = func.coalesce(User.name, User.family_name, User.sub)
    stmt = (
        select(User.id, name, SelfAssessment)
        .join(Membership, and_(Membership.user_id == User.id, Membership.context_pk == context_pk))
        .outerjoin(
            SelfAssessment,
            and_(SelfAssessment.user_id == User.id, SelfAssessment.course_id == course.id),
        )
        .where(Membership.role == Role.TRAINEE.value, Membership.is_active.is_(True))
        .order_by(name, User.id)
    )
    people: dict[int, tuple[str, dict[str, dict[str, object]]]] = {}
    for user_id, display, row in db.session.execute(stmt):
        _display, phases = people.setdefault(user_id, (str(display), {}))
        if row is not None:
            phases[row.phase] = row.ratings
    trainees = []
    for user_id, (display, phases) in people.items():
        entry, exit_ = phases.get(ENTRY, {}), phases.get(EXIT, {})
        changes = tuple(
            StatementChange(s.id, s.text, _rating(entry.get(s.id)), _rating(exit_.get(s.id)))
            for s in fmt.statements
        )
        trainees.append(TraineeRow(user_id, display, ENTRY in phases, EXIT in phases, changes))
    both = [t for t in trainees if t.has_entry and t.has_exit]
    statements = []
    for index, statement in enumerate(fmt.statements):
        pairs = [t.changes[index] for t in both]
        statements.append(
            StatementChange(
                statement.id,
                statement.text,
                _mean([p.entry for p in pairs if p.entry is not None]),
                _mean([p.exit for p in pairs if p.exit is not None]),
                count=len(pairs),
            )
        )
    return CohortComparison(tuple(trainees), tuple(statements), len(both))


def _rating(value: object) -> float | None:
    return float(value) if isinstance(value, int) and not isinstance(value, bool) else None
