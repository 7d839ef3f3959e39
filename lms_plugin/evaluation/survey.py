"""The anonymous satisfaction survey: answered once, stored without the person, shown in aggregate.

Answering writes two rows that share nothing but the group: `SurveyParticipation` (who, for the
certificate and to refuse a second answer) and `SurveyAnswer` (what, with the month only and a
random key). Results are shown only for a group of at least `min_group` answers.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import exists, select

from lms_plugin import events
from lms_plugin.courses.content import Course
from lms_plugin.courses.evaluation_format import Survey
from lms_plugin.db import db, utcnow
from lms_plugin.errors import Conflict, NotFound
from lms_plugin.evaluation.models import SurveyAnswer, SurveyParticipation


def survey_format(course: Course) -> Survey:
    """The course's survey; NotFound when it declares none."""
    found = course.evaluation.survey if course.evaluation else None
    if found is None or not found.questions:
        raise NotFound(_("This course has no satisfaction survey."))
    return found


def has_answered(user_id: int, course_id: str) -> bool:
    """True once the trainee has sent the survey."""
    query = select(
        exists().where(
            SurveyParticipation.user_id == user_id, SurveyParticipation.course_id == course_id
        )
    )
    return bool(db.session.scalar(query))


def submit_survey(
    user_id: int, course: Course, context_pk: int | None, answers: dict[str, int | str]
) -> None:
    """Record that the trainee answered, and the answers apart from them (flush).

    Conflict when they have answered already; the unique constraint on participation stops two
    concurrent requests as well (the view turns its IntegrityError into the same 409).
    """
    if has_answered(user_id, course.id):
        raise Conflict(_("You have already answered the survey. Thank you!"))
    now = utcnow()
    db.session.add(
        SurveyParticipation(
            user_id=user_id, course_id=course.id, context_pk=context_pk, answered_at=now
        )
    )
    db.session.add(
        SurveyAnswer(
            course_id=course.id, context_pk=context_pk, month=now.strftime("%Y-%m"), answers=answers
        )
    )
    db.session.flush()
    events.publish(events.ProgressChanged(user_id, course.id))  # a certificate rule may hold


@dataclass(frozen=True)
class QuestionResult:
    """One question's aggregate: counts per scale value and the mean, or the texts (sorted)."""

    question_id: str
    kind: str
    text: dict[str, str]
    answered: int
    counts: dict[int, int]
    average: float | None
    texts: tuple[str, ...] = ()


@dataclass(frozen=True)
class SurveyResults:
    """A group's results; `hidden` (and no results) below the group minimum."""

    answers: int
    min_group: int
    questions: tuple[QuestionResult, ...]

    @property
    def hidden(self) -> bool:
        return self.answers < self.min_group


def survey_results(course: Course, context_pk: int | None) -> SurveyResults:
    """The aggregate of one group (course + context); nothing per answer leaves this function."""
    survey = survey_format(course)
    rows = list(
        db.session.scalars(
            select(SurveyAnswer.answers).where(
                SurveyAnswer.course_id == course.id, SurveyAnswer.context_pk == context_pk
            )
        )
    )
    if len(rows) < survey.min_group:
        return SurveyResults(len(rows), survey.min_group, ())
    results = []
    for question in survey.questions:
        values = [row.get(question.id) for row in rows if isinstance(row, dict)]
        if question.kind == "text":
            texts = sorted((v for v in values if isinstance(v, str) and v), key=str.casefold)
            results.append(
                QuestionResult(
                    question.id, "text", question.text, len(texts), {}, None, tuple(texts)
                )
            )
            continue
        numbers = [v for v in values if isinstance(v, int) and not isinstance(v, bool)]
        counts = {value: numbers.count(value) for value in survey.values}
        average = sum(numbers) / len(numbers) if numbers else None
        results.append(
            QuestionResult(question.id, "scale", question.text, len(numbers), counts, average)
        )
    return SurveyResults(len(rows), survey.min_group, tuple(results))
