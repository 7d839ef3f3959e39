"""Journal fixtures: the tiny course (its module "practice" has a journal), trainees, a trainer."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale

from lms_plugin.accounts.models import LmsContext, Role, User
from lms_plugin.courses.content import Course, get_course, reload_courses
from lms_plugin.db import db
from tests.availability_helpers import open_modules
from tests.conftest import Factory, login
from tests.courses.fixture_courses import good_courses

MODULE = "practice"
JOURNAL = "practice-journal"
REFLECTION = """

!!! reflection "Reflection"
    What would you say to a helper who wants to give up?
"""


@pytest.fixture
def journal_course(app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Course]:
    """The tiny course; its first lesson ends with a reflection prompt."""
    folder = good_courses(tmp_path)
    for lang in ("hu", "en"):
        lesson = folder / f"tiny/modules/01-basics/lessons/01-first.{lang}.md"
        lesson.write_text(lesson.read_text(encoding="utf-8") + REFLECTION, encoding="utf-8")
    monkeypatch.setitem(app.config, "COURSES_DIR", str(folder))
    with app.app_context():
        reload_courses()
        yield get_course("tiny")
        reload_courses()


@dataclass
class People:
    ctx: LmsContext
    trainer: User
    anna: User
    bela: User


@pytest.fixture
def people(make: Factory, journal_course: Course) -> People:
    ctx = make.context()
    result = People(
        ctx=ctx,
        trainer=make.user(ctx, Role.TRAINER, name="Tóth Tímea"),
        anna=make.user(ctx, Role.TRAINEE, name="Kiss Anna"),
        bela=make.user(ctx, Role.TRAINEE, name="Nagy Béla"),
    )
    for trainee in (result.anna, result.bela):
        open_modules(trainee.id, "basics", MODULE, course_id="tiny")
    db.session.commit()
    return result


@pytest.fixture(autouse=True)
def _english(app_ctx: Flask) -> Iterator[None]:
    with force_locale("en"):
        yield


def as_user(client: FlaskClient, user: User, role: Role, ctx: LmsContext | None) -> FlaskClient:
    """The client launched as this user, in English."""
    login(client, user, role, ctx)
    with client.session_transaction() as sess:
        sess["launch_locale"] = "en"
    return client
