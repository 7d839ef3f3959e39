"""A trainee pages through a module, completes lessons, passes the check; the next module opens."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from lms_plugin.accounts.models import Role, User
from lms_plugin.courses.content import Course, Quiz
from lms_plugin.courses.forms import match_token
from tests.conftest import Factory, login


def _csrf(page: TestResponse) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True))
    assert found, "the page has no CSRF token"
    return found.group(1)


def _trainee(client: FlaskClient, make: Factory, lang: str = "en") -> User:
    context = make.context()
    user = make.user(context, Role.TRAINEE)
    login(client, user, Role.TRAINEE, context)
    with client.session_transaction() as sess:
        sess["lang"] = lang
    return user


def _answers(app: Flask, quiz: Quiz, *, right: bool = True) -> dict[str, str | list[str]]:
    """Form data built from the course data: every answer right (or every answer wrong)."""
    form: dict[str, str | list[str]] = {}
    with app.app_context():
        for q in quiz.questions:
            name = f"q-{q.id}"
            if q.type in ("single", "multiple"):
                form[name] = [o.id for o in q.options if o.correct == right]
            elif q.type == "truefalse":
                form[name] = str(q.answer if right else not q.answer).lower()
            else:
                count = len(q.pairs)
                for i in range(count):
                    j = i if right else (i + 1) % count
                    form[f"{name}-{i}"] = match_token(quiz.id, q.id, j)
    return form


def _spend_minimum(app: Flask, user: User, course: Course, lesson_id: str) -> None:
    """The lesson's minimum active time, as heartbeats would record it."""
    from lms_plugin.db import db
    from tests.time_helpers import credit_lesson_time

    with app.app_context():
        lesson = course.lesson(lesson_id)
        assert lesson is not None
        credit_lesson_time(user.id, course, lesson)
        db.session.commit()


def _submit_quiz(client: FlaskClient, data: dict[str, str | list[str]]) -> TestResponse:
    page = client.get("/course/basics/quiz")
    return client.post("/course/basics/quiz", data={**data, "csrf_token": _csrf(page)})


def test_trainee_completes_a_module_and_the_next_one_opens(
    app: Flask, client: FlaskClient, make: Factory, tiny: Course
) -> None:
    user = _trainee(client, make)
    home = client.get("/course/")
    assert home.status_code == 200
    text = home.get_data(as_text=True)
    assert "Tiny test course" in text and "Start the course" in text
    assert 'href="/course/basics/"' in text and 'href="/course/practice/"' not in text
    assert client.get("/course/practice/lessons/third").status_code == 403

    module = client.get("/course/basics/")
    assert "Understand the basics." in module.get_data(as_text=True)

    first = client.get("/course/basics/lessons/first")
    page = first.get_data(as_text=True)
    assert "First lesson" in page and "Lesson 1 of 2" in page
    assert 'rel="next" href="/course/basics/lessons/second"' in page
    assert "minutes of active reading are left" in page  # 5 minutes declared: 3 left
    refused = client.post(
        "/course/basics/lessons/first/complete", data={"csrf_token": _csrf(first)}
    )
    assert refused.status_code == 409 and "cannot be marked complete yet" in refused.text
    _spend_minimum(app, user, tiny, "first")
    first = client.get("/course/basics/lessons/first")
    assert "active reading" not in first.text
    done = client.post("/course/basics/lessons/first/complete", data={"csrf_token": _csrf(first)})
    assert done.status_code == 302 and done.location.endswith("/course/basics/lessons/second")
    _spend_minimum(app, user, tiny, "second")

    second = client.get("/course/basics/lessons/second")
    page = second.get_data(as_text=True)
    assert 'rel="prev" href="/course/basics/lessons/first"' in page
    assert '<div class="table-scroll">' in page and "Diagram of the process" in page
    done = client.post("/course/basics/lessons/second/complete", data={"csrf_token": _csrf(second)})
    assert done.location.endswith("/course/basics/quiz")
    assert "Completed" in client.get("/course/basics/lessons/first").get_data(as_text=True)

    sent = _submit_quiz(client, _answers(app, tiny.quizzes[0]))
    assert sent.status_code == 302 and sent.location.endswith("/course/basics/quiz/1")
    result = client.get("/course/basics/quiz/1").get_data(as_text=True)
    assert "You passed with 100%" in result
    assert "Yes, this one." in result and "Dogs bark." in result and "Right, it is blue." in result
    assert 'href="/course/practice/"' in result  # "Go to the next module"

    home = client.get("/course/").get_data(as_text=True)
    assert 'href="/course/practice/"' in home
    assert client.get("/course/practice/lessons/third").status_code == 200


def test_feedback_explains_the_chosen_answers_only(
    app: Flask, client: FlaskClient, make: Factory, tiny: Course
) -> None:
    _trainee(client, make)
    sent = _submit_quiz(client, _answers(app, tiny.quizzes[0], right=False))
    result = client.get(sent.location).get_data(as_text=True)
    assert "Your result is 0%; 75% is needed to pass." in result
    assert "No, not that one." in result  # feedback of the chosen wrong option
    assert "Yes, this one." not in result  # the right option is not given away
    assert "Not the third." in result and "You missed 2 correct answer(s)." in result
    assert "No, it is blue." in result
    assert "Try again" in result


def test_attempts_are_limited(app: Flask, client: FlaskClient, make: Factory, tiny: Course) -> None:
    _trainee(client, make)
    wrong = _answers(app, tiny.quizzes[0], right=False)
    assert _submit_quiz(client, wrong).location.endswith("/quiz/1")
    assert _submit_quiz(client, wrong).location.endswith("/quiz/2")
    page = client.get("/course/basics/quiz")
    assert "You have used all attempts" in page.get_data(as_text=True)
    refused = client.post("/course/basics/quiz", data={**wrong, "csrf_token": _csrf(page)})
    assert refused.status_code == 403
    assert "You have used all 2 attempts" in refused.get_data(as_text=True)
    assert client.get("/course/basics/quiz/3").status_code == 404


def test_unanswered_questions_keep_the_given_answers(
    app: Flask, client: FlaskClient, make: Factory, tiny: Course
) -> None:
    _trainee(client, make)
    page = client.get("/course/basics/quiz")
    sent = client.post("/course/basics/quiz", data={"q-q-single": "b", "csrf_token": _csrf(page)})
    assert sent.status_code == 422
    text = sent.get_data(as_text=True)
    assert "Please answer every question" in text
    assert 'value="b" checked' in text
    assert client.get("/course/basics/quiz/1").status_code == 404  # nothing was stored


def test_continue_where_you_left_off(client: FlaskClient, make: Factory, tiny: Course) -> None:
    _trainee(client, make)
    client.get("/course/basics/lessons/second")
    home = client.get("/course/").get_data(as_text=True)
    assert "Continue where you left off" in home
    assert 'href="/course/basics/lessons/second"' in home


def test_content_follows_the_interface_language(
    client: FlaskClient, make: Factory, tiny: Course
) -> None:
    _trainee(client, make, lang="hu")
    page = client.get("/course/basics/lessons/first").get_data(as_text=True)
    assert "Első lecke" in page and "Ez az első lecke." in page


def test_lesson_images_are_served_and_nothing_else(
    client: FlaskClient, make: Factory, tiny: Course
) -> None:
    _trainee(client, make)
    image = client.get("/course/basics/images/diagram.png")
    assert image.status_code == 200 and image.mimetype == "image/png"
    assert client.get("/course/basics/images/../module.yaml").status_code == 404
    assert client.get("/course/basics/images/missing.png").status_code == 404


def test_pages_need_a_launch_and_a_real_module(
    client: FlaskClient, make: Factory, tiny: Course
) -> None:
    assert client.get("/course/").status_code == 401
    _trainee(client, make)
    assert client.get("/course/nope/").status_code == 404
    assert client.get("/course/basics/lessons/nope").status_code == 404
    assert client.get("/course/refresh/").status_code == 403  # refresher: after certification
