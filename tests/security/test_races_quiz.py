"""Item 12: two submissions of a knowledge check at the same moment (two tabs, a double-click)
keep both answers as consecutive attempts; none is lost to a 409."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from lms_plugin.accounts.models import Membership, User
from lms_plugin.courses.content import Quiz, get_course
from lms_plugin.courses.forms import match_token
from lms_plugin.courses.models import QuizAttempt
from lms_plugin.db import db
from tests.security.concurrency import at_once, browser
from tests.security.world import World


def _answers(quiz: Quiz, pick: int) -> dict[str, object]:
    """A complete form; `pick` chooses which option of each choice question is ticked."""
    form: dict[str, object] = {}
    for q in quiz.questions:
        name = f"q-{q.id}"
        if q.type in ("single", "multiple"):
            form[name] = q.options[pick % len(q.options)].id
        elif q.type == "truefalse":
            form[name] = "true" if pick % 2 == 0 else "false"
        elif q.type == "matching":
            for i in range(len(q.pairs)):
                form[f"{name}-{i}"] = match_token(quiz.id, q.id, i)
    return form


def test_concurrent_quiz_submissions_keep_every_answer(app: Flask, world: World) -> None:
    course = get_course("mentor-30h")
    quiz = course.quizzes[0]
    assert quiz.attempts == 0 or quiz.attempts >= 2
    user = User(platform_id=world.ids["platform"], sub="quiz-taker", name="Quiz Taker")
    db.session.add(user)
    db.session.flush()
    db.session.add(
        Membership(
            context_pk=world.ids["context_a"], user_id=user.id, role="trainee", has_launched=True
        )
    )
    db.session.commit()
    user_id = user.id
    url = f"/course/{quiz.module_id}/quiz"
    forms = [_answers(quiz, i) for i in range(2)]

    def submit(i: int) -> tuple[int, str]:
        client = browser(app, user_id, "trainee", world.ids["context_a"])
        response = client.post(url, data=forms[i])
        return response.status_code, response.headers.get("Location", "")

    results = at_once(2, submit)
    assert [status for status, _where in results] == [302, 302], results
    assert {where.rsplit("/", 1)[-1] for _s, where in results} == {"1", "2"}
    stored = list(
        db.session.scalars(
            select(QuizAttempt)
            .where(QuizAttempt.user_id == user_id, QuizAttempt.quiz_id == quiz.id)
            .order_by(QuizAttempt.attempt_no)
        )
    )
    assert [a.attempt_no for a in stored] == [1, 2]
    assert stored[0].answers != stored[1].answers  # both tabs' answers are kept
