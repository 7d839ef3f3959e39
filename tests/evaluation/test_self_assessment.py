"""Entry and exit self-assessment: when each opens, once each, compared per trainee and cohort."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import func, select

from lms_plugin.accounts.models import Role
from lms_plugin.courses.content import get_course
from lms_plugin.db import db
from lms_plugin.evaluation.facts import evaluation_done
from lms_plugin.evaluation.models import SelfAssessment
from lms_plugin.evaluation.reports import cohort_comparison
from tests.conftest import Factory, login
from tests.evaluation.helpers import get, post, ratings_form, reach_course_end, survey_form

ENTRY = "/evaluation/self-assessment/entry"
EXIT = "/evaluation/self-assessment/exit"


def test_the_real_course_declares_statements_and_a_survey(app_ctx: Flask) -> None:
    evaluation = get_course("mentor-30h").evaluation
    assert evaluation and evaluation.self_assessment and evaluation.survey
    assert 8 <= len(evaluation.self_assessment.statements) <= 12
    assert evaluation.survey.min_group >= 5
    assert 1 <= len(evaluation.survey.text_questions) <= 3


def test_entry_and_exit_are_compared_for_the_trainee_and_the_cohort(
    app: Flask, make: Factory
) -> None:
    course = get_course("mentor-30h")
    ctx = make.context()
    anna = make.user(ctx, Role.TRAINEE, name="Kiss Anna")
    bela = make.user(ctx, Role.TRAINEE, name="Nagy Béla")
    trainer = make.user(ctx, Role.TRAINER)
    db.session.commit()
    client = app.test_client()
    login(client, anna, Role.TRAINEE, ctx, lang="en")
    home = get(client, "/")
    assert "/evaluation/self-assessment/entry" in home.get_data(as_text=True)
    assert post(client, EXIT, ratings_form(course, 4)).status_code == 409  # not at the end yet
    assert post(client, ENTRY, ratings_form(course, 1)).status_code == 302
    assert post(client, ENTRY, ratings_form(course, 2)).status_code == 409  # once
    reach_course_end(anna.id, course)
    assert post(client, EXIT, ratings_form(course, 3)).status_code == 302
    page = get(client, "/evaluation/").get_data(as_text=True)
    assert page.count("+2") == len(course.evaluation.self_assessment.statements)  # type: ignore[union-attr]

    other = app.test_client()
    login(other, bela, Role.TRAINEE, ctx)
    post(other, ENTRY, ratings_form(course, 2))
    reach_course_end(bela.id, course)
    post(other, EXIT, ratings_form(course, 3))

    comparison = cohort_comparison(course, ctx.id)
    assert comparison.compared == 2
    first = comparison.statements[0]
    assert (first.entry, first.exit, first.change, first.count) == (1.5, 3.0, 1.5, 2)
    assert [t.name for t in comparison.trainees] == ["Kiss Anna", "Nagy Béla"]

    teacher = app.test_client()
    login(teacher, trainer, Role.TRAINER, ctx, lang="en")
    cohort_page = get(teacher, "/evaluation/cohort")
    assert cohort_page.status_code == 200
    assert "+1.5" in cohort_page.get_data(as_text=True)
    detail = get(teacher, f"/evaluation/trainee/{anna.id}")
    assert detail.status_code == 200 and "Kiss Anna" in detail.get_data(as_text=True)


def test_the_entry_closes_when_the_course_end_is_reached(app: Flask, make: Factory) -> None:
    course = get_course("mentor-30h")
    ctx = make.context()
    late = make.user(ctx, Role.TRAINEE)
    db.session.commit()
    reach_course_end(late.id, course)
    client = app.test_client()
    login(client, late, Role.TRAINEE, ctx)
    assert post(client, ENTRY, ratings_form(course, 1)).status_code == 409
    assert post(client, EXIT, ratings_form(course, 3)).status_code == 302
    count = db.session.scalar(select(func.count(SelfAssessment.id)))
    assert count == 1


def test_a_trainer_of_another_course_cannot_open_a_trainee(app: Flask, make: Factory) -> None:
    ctx, elsewhere = make.context(), make.context()
    anna = make.user(ctx, Role.TRAINEE, name="Szabó Anna")
    stranger = make.user(elsewhere, Role.TRAINER, name="Tóth Péter")
    db.session.commit()
    client = app.test_client()
    login(client, stranger, Role.TRAINER, elsewhere)
    assert get(client, f"/evaluation/trainee/{anna.id}").status_code == 404
    assert "Szabó" not in get(client, "/evaluation/cohort").get_data(as_text=True)


def test_evaluation_done_needs_the_exit_and_the_survey(app: Flask, make: Factory) -> None:
    course = get_course("mentor-30h")
    ctx = make.context()
    anna = make.user(ctx, Role.TRAINEE)
    db.session.commit()
    reach_course_end(anna.id, course)
    client = app.test_client()
    login(client, anna, Role.TRAINEE, ctx)
    assert not evaluation_done(anna.id, course.id)
    post(client, EXIT, ratings_form(course, 2))
    assert not evaluation_done(anna.id, course.id)
    assert post(client, "/evaluation/survey", survey_form(course, 4)).status_code == 302
    assert evaluation_done(anna.id, course.id)
    assert evaluation_done(anna.id, "no-such-course")


def test_a_missing_rating_shows_the_form_again(app: Flask, make: Factory) -> None:
    course = get_course("mentor-30h")
    ctx = make.context()
    anna = make.user(ctx, Role.TRAINEE)
    db.session.commit()
    client = app.test_client()
    login(client, anna, Role.TRAINEE, ctx, lang="en")
    form = ratings_form(course, 2)
    form.pop(next(iter(form)))
    response = post(client, ENTRY, form)
    assert response.status_code == 400
    assert "1 statement has no rating yet." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(SelfAssessment.id))) == 0
