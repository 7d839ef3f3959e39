"""Every evaluation page renders in Hungarian and English with one h1 and phone-usable scales."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from lms_plugin.accounts.models import Role
from lms_plugin.courses.content import get_course
from lms_plugin.db import db
from tests.conftest import Factory, login
from tests.evaluation.helpers import get, post, ratings_form, reach_course_end, survey_form


@pytest.mark.parametrize("lang", ["hu", "en"])
def test_pages_render_with_one_heading(app: Flask, make: Factory, lang: str) -> None:
    course = get_course("mentor-30h")
    ctx = make.context()
    anna = make.user(ctx, Role.TRAINEE, name="Kiss Anna")
    trainer = make.user(ctx, Role.TRAINER)
    db.session.commit()
    client = app.test_client()
    login(client, anna, Role.TRAINEE, ctx, lang=lang)
    entry = get(client, "/evaluation/self-assessment/entry").get_data(as_text=True)
    # Each statement is a fieldset of radios that stack on a phone (flex-column below md).
    assert entry.count("<fieldset") == len(course.evaluation.self_assessment.statements)  # type: ignore[union-attr]
    assert "flex-column flex-md-row" in entry
    heading = "Bemeneti önértékelés" if lang == "hu" else "Entry self-assessment"
    assert f"<h1>{heading}</h1>" in entry
    post(client, "/evaluation/self-assessment/entry", ratings_form(course, 2))
    reach_course_end(anna.id, course)
    post(client, "/evaluation/self-assessment/exit", ratings_form(course, 3))
    home = get(client, "/").get_data(as_text=True)
    assert "/evaluation/survey" in home  # the home page now asks for the survey
    survey_page = get(client, "/evaluation/survey").get_data(as_text=True)
    assert 'name="q-improve"' in survey_page
    post(client, "/evaluation/survey", survey_form(course, 4))
    teacher = app.test_client()
    login(teacher, trainer, Role.TRAINER, ctx, lang=lang)
    pages = [
        (client, "/evaluation/"),
        (client, "/evaluation/self-assessment/exit"),
        (client, "/evaluation/survey"),
        (teacher, "/evaluation/cohort"),
        (teacher, f"/evaluation/trainee/{anna.id}"),
        (teacher, "/evaluation/survey/results"),
    ]
    for who, url in pages:
        response = get(who, url)
        assert response.status_code == 200, url
        html = response.get_data(as_text=True)
        assert len(re.findall(r"<h1[ >]", html)) == 1, url
        assert html.count("<table") == html.count('<div class="table-responsive-auto">'), url
    index = get(client, "/evaluation/").get_data(as_text=True)
    assert "<meter" in index and "+1" in index
