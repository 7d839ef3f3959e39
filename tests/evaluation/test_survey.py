"""The anonymous survey: once per trainee, unlinkable answers, aggregates only from 5 answers."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import func, inspect, select
from werkzeug.datastructures import MultiDict

from lms_plugin.accounts.models import LmsContext, Role, User
from lms_plugin.courses.content import get_course
from lms_plugin.db import db
from lms_plugin.evaluation.inputs import MAX_TEXT
from lms_plugin.evaluation.models import SurveyAnswer, SurveyParticipation
from tests.conftest import Factory, login
from tests.evaluation.helpers import get, post, reach_course_end, survey_form

SURVEY = "/evaluation/survey"
RESULTS = "/evaluation/survey/results"


def _answer(app: Flask, ctx: LmsContext, user: User, value: int, text: str = "") -> int:
    reach_course_end(user.id, get_course("mentor-30h"))
    client = app.test_client()
    login(client, user, Role.TRAINEE, ctx)
    return post(client, SURVEY, survey_form(get_course("mentor-30h"), value, text)).status_code


def test_the_survey_is_answered_once(app: Flask, make: Factory) -> None:
    course = get_course("mentor-30h")
    ctx = make.context()
    anna = make.user(ctx, Role.TRAINEE)
    db.session.commit()
    client = app.test_client()
    login(client, anna, Role.TRAINEE, ctx)
    assert post(client, SURVEY, survey_form(course, 4)).status_code == 409  # not at the end
    reach_course_end(anna.id, course)
    assert post(client, SURVEY, survey_form(course, 4, "Több esetet!")).status_code == 302
    assert post(client, SURVEY, survey_form(course, 1)).status_code == 409
    assert db.session.scalar(select(func.count(SurveyParticipation.id))) == 1
    answers = list(db.session.scalars(select(SurveyAnswer)))
    assert len(answers) == 1
    assert answers[0].answers["improve"] == "Több esetet!"
    assert len(answers[0].month) == 7  # "YYYY-MM": no precise time


def test_no_user_id_is_reachable_from_an_answer_row(app_ctx: Flask) -> None:
    """The migrated schema: no user column, no foreign key but the group, no precise time."""
    schema = inspect(db.engine)
    columns = {c["name"]: c for c in schema.get_columns("evaluation_survey_answers")}
    assert set(columns) == {"id", "course_id", "context_pk", "month", "answers"}
    targets = {fk["referred_table"] for fk in schema.get_foreign_keys("evaluation_survey_answers")}
    assert targets == {"lms_contexts"}
    assert not any("user" in name or name.endswith("_at") for name in columns)
    assert schema.get_pk_constraint("evaluation_survey_answers")["constrained_columns"] == ["id"]
    participation = {c["name"] for c in schema.get_columns("evaluation_survey_participations")}
    assert not participation & {"answer_id", "answers", "survey_answer_id"}
    fks = schema.get_foreign_keys("evaluation_survey_participations")
    assert "evaluation_survey_answers" not in {fk["referred_table"] for fk in fks}


def test_answer_keys_carry_no_order(app: Flask, make: Factory) -> None:
    ctx = make.context()
    people = [make.user(ctx, Role.TRAINEE) for _ in range(6)]
    db.session.commit()
    for person in people:
        assert _answer(app, ctx, person, 3) == 302
    ids = list(db.session.scalars(select(SurveyAnswer.id)))
    assert len(set(ids)) == 6 and all(len(i) == 32 for i in ids)
    assert not all(isinstance(i, int) for i in ids)


def test_the_aggregate_is_hidden_with_4_answers_and_shown_with_5(app: Flask, make: Factory) -> None:
    ctx = make.context()
    trainees = [make.user(ctx, Role.TRAINEE) for _ in range(5)]
    trainer = make.user(ctx, Role.TRAINER)
    db.session.commit()
    for index, person in enumerate(trainees[:4]):
        assert _answer(app, ctx, person, 2 + index % 3, f"Megjegyzés {index}") == 302
    teacher = app.test_client()
    login(teacher, trainer, Role.TRAINER, ctx, lang="en")
    hidden = get(teacher, RESULTS).get_data(as_text=True)
    assert "Fewer than 5 answers: the results are hidden to protect anonymity." in hidden
    assert "Megjegyzés" not in hidden and "Average" not in hidden

    assert _answer(app, ctx, trainees[4], 5, "Megjegyzés 4") == 302
    shown = get(teacher, RESULTS).get_data(as_text=True)
    assert "hidden to protect anonymity" not in shown
    assert all(f"Megjegyzés {n}" in shown for n in range(5))
    # 2, 3, 4, 2, 5 → 3.2 on every scale question
    assert "Average: 3.2" in shown


def test_another_tenants_trainer_and_admin_cannot_see_the_aggregates(
    app: Flask, make: Factory
) -> None:
    ctx = make.context()
    trainees = [make.user(ctx, Role.TRAINEE) for _ in range(5)]
    admin_a = make.user(ctx, Role.ADMIN)
    other = make.platform(issuer="https://moodle.other.test", client_id="other")
    elsewhere = make.context(other)
    trainer_b = make.user(elsewhere, Role.TRAINER)
    admin_b = make.user(elsewhere, Role.ADMIN)
    db.session.commit()
    for person in trainees:
        _answer(app, ctx, person, 4, "Titkos megjegyzés")

    client = app.test_client()
    login(client, trainer_b, Role.TRAINER, elsewhere, lang="en")
    own = get(client, RESULTS)
    assert own.status_code == 200 and "Titkos" not in own.get_data(as_text=True)
    assert get(client, f"{RESULTS}?context={ctx.id}").status_code == 404

    client_b = app.test_client()
    login(client_b, admin_b, Role.ADMIN, elsewhere)
    assert get(client_b, f"{RESULTS}?context={ctx.id}").status_code == 404

    client_a = app.test_client()
    login(client_a, admin_a, Role.ADMIN, elsewhere)  # tenant A's administrator, any course of A
    page = get(client_a, f"{RESULTS}?context={ctx.id}")
    assert page.status_code == 200 and "Titkos megjegyzés" in page.get_data(as_text=True)


def test_trainees_cannot_see_the_aggregates(app: Flask, make: Factory) -> None:
    ctx = make.context()
    anna = make.user(ctx, Role.TRAINEE)
    db.session.commit()
    client = app.test_client()
    login(client, anna, Role.TRAINEE, ctx)
    assert get(client, RESULTS).status_code == 403


def test_hostile_input_is_a_400_and_stores_nothing(app: Flask, make: Factory) -> None:
    course = get_course("mentor-30h")
    ctx = make.context()
    anna = make.user(ctx, Role.TRAINEE)
    db.session.commit()
    reach_course_end(anna.id, course)
    client = app.test_client()
    login(client, anna, Role.TRAINEE, ctx)
    good = survey_form(course, 3)
    cases = [
        {**good, "q-aims": "6"},  # off the scale
        {**good, "q-aims": "0"},
        {**good, "q-aims": "-1"},
        {**good, "q-aims": "3.5"},
        {**good, "q-aims": "drei"},
        {**good, "q-nosuch": "3"},  # an unknown question
        {**good, "user_id": "1"},  # a field the form never has
        {**good, "q-improve": "x" * (MAX_TEXT + 1)},  # huge text
        {**good, "q-improve": "x" * 200_000},
    ]
    for form in cases:
        response = post(client, SURVEY, form)
        assert response.status_code == 400, form.keys()
    twice = client.post(
        SURVEY, data=MultiDict([*good.items(), ("q-aims", "1")]), base_url="https://tool.test"
    )  # one question answered twice
    assert twice.status_code == 400
    entry = "/evaluation/self-assessment/entry"
    for bad in ({"s-programme": "9"}, {"s-nosuch": "1"}, {"s-programme": "1e3"}):
        assert post(client, entry, bad).status_code == 400
    assert db.session.scalar(select(func.count(SurveyAnswer.id))) == 0
    assert db.session.scalar(select(func.count(SurveyParticipation.id))) == 0
