"""Every live-session POST needs the CSRF token (the app as deployed); the page's token works."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from lms_plugin.accounts.models import Role
from lms_plugin.db import db
from lms_plugin.live.models import LiveSignup
from tests.conftest import login
from tests.live.conftest import People, make_occurrence
from tests.security.conftest import sibling_app


@pytest.fixture
def csrf_live_app(app: Flask, tmp_path: Path, live_course: object) -> Flask:
    return sibling_app(
        app, tmp_path / "csrf", WTF_CSRF_ENABLED=True, COURSES_DIR=app.config["COURSES_DIR"]
    )


def test_posts_without_a_token_are_refused(csrf_live_app: Flask, people: People) -> None:
    occurrence = make_occurrence(people)
    trainer = csrf_live_app.test_client()
    login(trainer, people.trainer, Role.TRAINER, people.context)
    for path in (
        "schedule",
        f"dates/{occurrence.id}/edit",
        f"dates/{occurrence.id}/cancel",
        f"dates/{occurrence.id}/register",
        f"dates/{occurrence.id}/walk-in",
    ):
        assert trainer.post(f"/live/{path}", data={"x": "1"}).status_code == 400, path
    trainee = csrf_live_app.test_client()
    login(trainee, people.anna, Role.TRAINEE, people.context)
    for path in (f"dates/{occurrence.id}/sign-up", f"dates/{occurrence.id}/withdraw"):
        assert trainee.post(f"/live/{path}").status_code == 400, path
    assert db.session.scalars(select(LiveSignup)).all() == []
    page = trainee.get("/live/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None
    response = trainee.post(
        f"/live/dates/{occurrence.id}/sign-up", data={"csrf_token": token.group(1)}
    )
    assert response.status_code == 302
    assert len(db.session.scalars(select(LiveSignup)).all()) == 1
