"""Shared steps for the evaluation tests: finish the course, fill in forms."""

from __future__ import annotations

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from lms_plugin.courses.content import Course
from lms_plugin.courses.models import LessonProgress
from lms_plugin.db import db, utcnow

BASE = "https://tool.test"


def reach_course_end(user_id: int, course: Course) -> None:
    """Complete every lesson of the last core module (what opens the exit and the survey)."""
    now = utcnow()
    module = course.core_modules[-1]
    for lesson in module.lessons:
        db.session.add(
            LessonProgress(
                user_id=user_id,
                course_id=course.id,
                lesson_id=lesson.id,
                module_id=module.id,
                opened_at=now,
                completed_at=now,
            )
        )
    db.session.commit()


def ratings_form(course: Course, value: int) -> dict[str, str]:
    """Every statement rated `value`."""
    assert course.evaluation and course.evaluation.self_assessment
    return {f"s-{s.id}": str(value) for s in course.evaluation.self_assessment.statements}


def survey_form(course: Course, value: int, text: str = "") -> dict[str, str]:
    """Every scale question answered `value`; every free-text question `text`."""
    assert course.evaluation and course.evaluation.survey
    form = {f"q-{q.id}": str(value) for q in course.evaluation.survey.scale_questions}
    form.update({f"q-{q.id}": text for q in course.evaluation.survey.text_questions})
    return form


def post(client: FlaskClient, url: str, data: dict[str, str]) -> TestResponse:
    return client.post(url, data=data, base_url=BASE)


def get(client: FlaskClient, url: str) -> TestResponse:
    return client.get(url, base_url=BASE)
