"""Entry and exit self-assessment: when each is open, saving it once, and the comparison."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from lms_plugin import events, request_cache
from lms_plugin.courses.content import Course
from lms_plugin.courses.evaluation_format import SelfAssessment as Format
from lms_plugin.courses.models import LessonProgress
from lms_plugin.db import db, utcnow
from lms_plugin.errors import Conflict, NotFound
from lms_plugin.evaluation.models import ENTRY, EXIT, SelfAssessment


def assessment_format(course: Course) -> Format:
    """The course's self-assessment; NotFound when it declares none."""
    found = course.evaluation.self_assessment if course.evaluation else None
    if found is None or not found.statements:
        raise NotFound(_("This course has no self-assessment."))
    return found


def course_end_reached(user_id: int, course: Course) -> bool:
    """Every lesson of the last core module is completed: the exit and the survey open."""
    core = course.core_modules
    if not core:
        return False
    lessons = {lesson.id for lesson in core[-1].lessons}
    if not lessons:
        return False
    done = set(
        db.session.scalars(
            select(LessonProgress.lesson_id).where(
                LessonProgress.user_id == user_id,
                LessonProgress.course_id == course.id,
                LessonProgress.lesson_id.in_(lessons),
                LessonProgress.completed_at.is_not(None),
            )
        )
    )
    return lessons <= done


def assessments(user_id: int, course_id: str) -> dict[str, SelfAssessment]:
    """The trainee's self-assessments by phase (one query; once per GET request)."""

    def read() -> dict[str, SelfAssessment]:
        rows = db.session.scalars(
            select(SelfAssessment).where(
                SelfAssessment.user_id == user_id, SelfAssessment.course_id == course_id
            )
        )
        return {row.phase: row for row in rows}

    if not request_cache.read_only_request():
        return read()
    return dict(request_cache.once(("self_assessments", user_id, course_id), read))


@dataclass(frozen=True)
class PhaseState:
    """Whether a phase can be filled in now, and why not."""

    phase: str
    done: bool
    open: bool
    reason: str = ""


def phase_state(
    user_id: int, course: Course, phase: str, end_reached: bool | None = None
) -> PhaseState:
    """Entry: open until the exit opens (it is a baseline). Exit: open after the last module."""
    found = assessments(user_id, course.id)
    if phase in found:
        return PhaseState(phase, True, False, _("You have already filled this in."))
    end = course_end_reached(user_id, course) if end_reached is None else end_reached
    if phase == ENTRY:
        if end or EXIT in found:
            return PhaseState(
                phase, False, False, _("The entry self-assessment closes when the course ends.")
            )
        return PhaseState(phase, False, True)
    if not end:
        return PhaseState(
            phase,
            False,
            False,
            _("The exit self-assessment opens when you complete the lessons of the last module."),
        )
    return PhaseState(phase, False, True)


def submit_self_assessment(
    user_id: int, course: Course, phase: str, ratings: dict[str, int]
) -> SelfAssessment:
    """Store the ratings once per phase (flush); Conflict when done or not open."""
    state = phase_state(user_id, course, phase)
    if not state.open:
        raise Conflict(state.reason)
    row = SelfAssessment(
        user_id=user_id, course_id=course.id, phase=phase, ratings=ratings, submitted_at=utcnow()
    )
    db.session.add(row)
    db.session.flush()
    if phase == EXIT:
        events.publish(events.ProgressChanged(user_id, course.id))  # a certificate rule may hold
    return row


@dataclass(frozen=True)
class StatementChange:
    """One statement: the entry and exit rating (or cohort average) and the change."""

    statement_id: str
    text: dict[str, str]
    entry: float | None
    exit: float | None
    count: int = 1  # trainees behind an average

    @property
    def change(self) -> float | None:
        if self.entry is None or self.exit is None:
            return None
        return self.exit - self.entry


def compare(fmt: Format, found: dict[str, SelfAssessment]) -> list[StatementChange]:
    """Entry against exit per statement for one trainee."""
    entry = found[ENTRY].ratings if ENTRY in found else {}
    exit_ = found[EXIT].ratings if EXIT in found else {}
    return [
        StatementChange(s.id, s.text, _number(entry.get(s.id)), _number(exit_.get(s.id)))
        for s in fmt.statements
    ]


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None
