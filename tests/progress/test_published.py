"""Progress and the certificate reach the practice LMS gradebook through AGS (real launches)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_date
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from lms_plugin.accounts.models import User
from lms_plugin.certification import rules as cert_rules
from lms_plugin.certification import services as cert_services
from lms_plugin.certification.rules import RuleStatus
from lms_plugin.courses.content import get_course
from lms_plugin.courses.models import LessonProgress, QuizAttempt
from lms_plugin.db import db, utcnow
from lms_plugin.practice.models import PracticeLineItem, PracticeScore
from lms_plugin.progress import services
from tests.practice_platform import BASE, PracticeLms, run_launch
from tests.time_helpers import credit_lesson_time


def _scores(practice_lms: PracticeLms, resource_id: str) -> list[PracticeScore]:
    with practice_lms.app.app_context():
        return list(
            db.session.scalars(
                select(PracticeScore)
                .join(PracticeLineItem)
                .where(PracticeLineItem.resource_id == resource_id)
                .order_by(PracticeScore.id)
            )
        )


def test_course_hours_and_certificate_reach_the_gradebook(
    app_ctx: Flask,
    client: FlaskClient,
    practice_lms: PracticeLms,
    runner: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    run_launch(client, "anna", target="course", locale="en")
    db.session.expire_all()
    anna = db.session.scalar(select(User).where(User.sub == "4"))
    assert anna is not None
    course = get_course("mentor-30h")
    first = course.core_modules[0]
    now = utcnow()
    for lesson in first.lessons:
        credit_lesson_time(anna.id, course, lesson)
        db.session.add(
            LessonProgress(
                user_id=anna.id,
                course_id=course.id,
                lesson_id=lesson.id,
                module_id=first.id,
                opened_at=now,
                completed_at=now,
            )
        )
    assert first.quiz is not None
    db.session.add(
        QuizAttempt(
            user_id=anna.id,
            course_id=course.id,
            quiz_id=first.quiz.id,
            module_id=first.id,
            attempt_no=1,
            answers={},
            score_percent=100,
            passed=True,
            results={},
        )
    )
    services.on_progress_event(anna.id, course.id)
    db.session.commit()
    result = runner.invoke(args=["lti", "deliver"])
    assert result.exit_code == 0, result.output
    hours = _scores(practice_lms, f"course:{course.id}")
    assert [(s.user_sub, s.score_given, s.grading_progress) for s in hours][-1] == (
        "4",
        first.hours - first.face_to_face_hours,
        "FullyGraded",
    )
    # The knowledge check's best score is in the quiz module's own column (resourceId set by deep
    # linking), and no column was added: the gradebook has exactly the teacher's columns.
    quiz = _scores(practice_lms, f"module:{first.id}")
    assert [(s.user_sub, s.score_given, s.score_maximum) for s in quiz] == [("4", 100.0, 100.0)]
    with practice_lms.app.app_context():
        assert db.session.query(PracticeLineItem).count() == 4
    # nothing changed: nothing new is published
    services.on_progress_event(anna.id, course.id)
    db.session.commit()
    runner.invoke(args=["lti", "deliver"])
    assert len(_scores(practice_lms, f"course:{course.id}")) == len(hours)

    # every rule met (tested in tests/certification): the certificate is issued and published
    met = [RuleStatus("modules", "All modules complete", True)]
    monkeypatch.setattr(cert_rules, "initial_rules", lambda *a: met)
    monkeypatch.setattr(cert_services, "initial_rules", lambda *a: met)
    services.on_progress_event(anna.id, course.id)
    db.session.commit()
    runner.invoke(args=["lti", "deliver"])
    certificate = _scores(practice_lms, f"certificate:{course.id}")
    assert [(s.user_sub, s.score_given) for s in certificate] == [("4", 1.0)]
    cert = cert_services.latest_certificate(anna.id, course.id)
    assert cert is not None
    # The comment is for people reading the gradebook, in its language: no code, no ISO date.
    assert certificate[0].comment == (
        f"Certificate {cert.code}: valid (expires {_en_date(cert.expires_at)})"
    )
    gradebook = client.get(f"{BASE}/practice/gradebook").get_data(as_text=True)
    assert "Mentor certificate" in gradebook  # the one column the tool creates, in English
    with practice_lms.app.app_context():
        assert db.session.query(PracticeLineItem).count() == 5


def _en_date(moment: datetime) -> str:
    """A date as English people read it in Budapest ("Dec 3, 2029")."""
    return format_date(moment.astimezone(ZoneInfo("Europe/Budapest")).date(), locale="en")
