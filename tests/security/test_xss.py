"""Stored XSS: attack strings in every user-text field and in course Markdown are shown as text."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from flask import Flask

from lms_plugin.db import db, utcnow
from tests.conftest import ROOT
from tests.security.conftest import sibling_app
from tests.security.html_safety import LINK_PAYLOAD, MARK, PAYLOAD, injected_markup
from tests.security.world import World, seed_world


@pytest.fixture
def hostile(app_ctx: Flask) -> World:
    """The programme with the payload in every text field we store (names, texts, reasons…)."""
    world = seed_world(PAYLOAD)
    from lms_plugin.grading.models import Grade

    grade = Grade(
        submission_id=world.ids["anna_submission"],
        state="released",
        outcome="pass",
        total=8,
        feedback=PAYLOAD,
        released_at=utcnow(),
    )
    db.session.add(grade)
    db.session.commit()
    return world


def _check(app: Flask, world: World, visitor: str, path: str, *, shown: bool = True) -> None:
    response = world.client(app, visitor).get(path, base_url="https://tool.test")
    assert response.status_code < 400, (path, response.status_code)
    html = response.get_data(as_text=True)
    if response.mimetype == "application/json":  # data for our own scripts, never rendered as HTML
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert MARK in html or not shown
        return
    assert response.mimetype == "text/html", (path, response.mimetype)
    assert not injected_markup(html), (visitor, path, injected_markup(html))
    if shown:
        assert MARK in html, f"{path} should show the stored text (escaped)"


def test_stored_text_is_escaped_on_every_page_that_shows_it(app: Flask, hostile: World) -> None:
    ids = hostile.ids
    pages = {
        "trainee": [
            "/",
            "/progress/",
            "/grading/my",
            f"/grading/assignments/{ids['assignment_id']}",
            "/certificate",
        ],
        "trainer": [
            f"/grading/submissions/{ids['anna_submission']}",
            "/grading/comments",
            "/progress/cohort",
            f"/progress/trainee/{ids['anna']}",
        ],
        "coordinator": [
            "/certificates",
            "/coordination/schools",
            "/coordination/helpers",
            f"/coordination/helpers/{ids['helper']}",
            "/coordination/mentors",
            f"/coordination/mentors/{ids['mentor']}",
        ],
    }
    for visitor, paths in pages.items():
        for path in paths:
            _check(app, hostile, visitor, path)
    for path in ("/grading/", "/grading/release", "/coordination/", "/coordination/audit"):
        _check(app, hostile, "admin", path, shown=False)
    # Exports are not HTML: they must not be served as HTML either.
    for path in (
        "/certificates.csv",
        "/coordination/helpers.csv",
        "/coordination/schools/export.csv",
    ):
        response = hostile.client(app, "coordinator").get(path, base_url="https://tool.test")
        assert MARK in response.get_data(as_text=True) or path.startswith("/certificates")
        response.close()
        assert response.status_code == 200 and response.mimetype != "text/html", path


def test_feedback_preview_escapes_what_the_trainee_types(app: Flask, hostile: World) -> None:
    response = hostile.client(app, "trainee").post(
        "/grading/preview",
        json={"text": PAYLOAD + "\n\n" + LINK_PAYLOAD},
        base_url="https://tool.test",
    )
    assert response.status_code == 200
    html = response.get_json()["html"]
    assert MARK in html and not injected_markup(html)


def test_public_verification_escapes_the_revocation_reason(app: Flask, hostile: World) -> None:
    response = app.test_client().get(
        f"/verify/{hostile.ids['revoked_code']}", base_url="https://tool.test"
    )
    assert response.status_code == 200
    assert not injected_markup(response.get_data(as_text=True))


def test_csv_import_preview_escapes_cells(app: Flask, hostile: World) -> None:
    csv = (
        "centre_code,centre_name,school_code,school_name,municipality,vocational_fields,target_helpers\n"
        f'C9,"{PAYLOAD.replace(chr(34), chr(34) * 2)}",S9,'
        f'"{LINK_PAYLOAD.replace(chr(34), chr(34) * 2)}",'
        f"Győr,informatika,3\n"
    )
    from io import BytesIO

    response = hostile.client(app, "coordinator").post(
        "/coordination/schools/import",
        data={"file": (BytesIO(csv.encode()), "schools.csv")},
        content_type="multipart/form-data",
        base_url="https://tool.test",
    )
    assert response.status_code in (200, 422), response.get_data(as_text=True)[:500]
    html = response.get_data(as_text=True)
    assert MARK in html and not injected_markup(html)


@pytest.fixture
def hostile_course(app: Flask, tmp_path: Path) -> Flask:
    """The real course with one lesson rewritten by an attacker (a trainer's text editor)."""
    courses = tmp_path / "courses"
    shutil.copytree(ROOT / "courses", courses)
    lessons = courses / "mentor-30h" / "modules" / "01-programme" / "lessons"
    evil = (
        "\n\n<script>alert('md')</script>\n\n"
        '<img src="x" onerror="alert(1)">\n\n'
        '[click me](javascript:alert(2)) and <a href="javascript:alert(3)">raw</a>\n\n'
        '<iframe src="https://evil.example/"></iframe>\n\n'
        '<div onclick="alert(4)" style="background:url(javascript:alert(5))">styled</div>\n\n'
        f"![pic](javascript:alert(6)) {MARK}\n"
    )
    for path in lessons.glob("01-*.md"):
        path.write_text(path.read_text(encoding="utf-8") + evil, encoding="utf-8")
    return sibling_app(app, tmp_path / "instance", COURSES_DIR=str(courses))


def test_course_markdown_is_sanitised(hostile_course: Flask, world: World) -> None:
    from lms_plugin.courses.content import get_course

    with hostile_course.app_context():
        module = get_course("mentor-30h").core_modules[0]
        lesson = module.lessons[0]
    for lang in ("hu", "en"):
        client = world.client(hostile_course, "trainee")
        with client.session_transaction() as sess:
            sess["lang"] = lang
        response = client.get(
            f"/course/{module.id}/lessons/{lesson.id}", base_url="https://tool.test"
        )
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        assert MARK in html, "the lesson with the attack is the one shown"
        assert not injected_markup(html), injected_markup(html)
        assert "<iframe" not in html and "style=" not in html
