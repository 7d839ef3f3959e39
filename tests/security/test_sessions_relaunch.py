"""Issue 14 item 11: a launch in another tab keeps the session's CSRF secret; what is typed into
drafts and grading comments is autosaved and offered back, so nothing is lost to an expired form."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from tests.practice_platform import PracticeLms, launch_as
from tests.security.world import World

BASE = "https://tool.test"


def _secret(client: FlaskClient) -> str | None:
    with client.session_transaction() as sess:
        value = sess.get("csrf_token")
    return str(value) if value else None


def test_a_relaunch_of_the_same_user_keeps_the_csrf_secret(
    app: Flask, practice_lms: PracticeLms
) -> None:
    browser = app.test_client()
    launch_as(browser, "anna", locale="en")
    before = _secret(browser)
    assert before, "the landing page gives the session a CSRF secret"
    launch_as(browser, "anna", locale="en")  # the same person, another activity or tab
    assert _secret(browser) == before  # forms open in the first tab still carry a valid token


def test_another_users_launch_does_not_inherit_the_secret(
    app: Flask, practice_lms: PracticeLms
) -> None:
    browser = app.test_client()
    launch_as(browser, "anna", locale="en")
    annas = _secret(browser)
    launch_as(browser, "peter", locale="en")
    assert _secret(browser) not in (None, annas)


def _token(client: FlaskClient) -> str:
    page = client.get("/grading/my", base_url=BASE).get_data(as_text=True)
    if 'name="csrf_token"' not in page:
        page = client.get("/", base_url=BASE).get_data(as_text=True)
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found is not None
    return found.group(1)


def test_typed_text_is_autosaved_and_restored_per_user(csrf_app: Flask, world: World) -> None:
    anna = world.client(csrf_app, "trainee")
    key = f"/grading/assignments/{world.ids['assignment_id']}/draft"
    body = {"key": key, "data": {"text": "Half of my plan, not yet saved"}}
    refused = anna.post("/autosave", json=body, base_url=BASE)
    assert refused.status_code == 400  # no CSRF header
    saved = anna.post("/autosave", json=body, headers={"X-CSRFToken": _token(anna)}, base_url=BASE)
    assert saved.status_code == 200
    back = anna.get(f"/autosave?key={key}", base_url=BASE).get_json()
    assert back["data"] == {"text": "Half of my plan, not yet saved"}
    assert back["message"]
    bela = world.client(csrf_app, "other_trainee")
    assert bela.get(f"/autosave?key={key}", base_url=BASE).get_json()["data"] == {}
    assert csrf_app.test_client().get(f"/autosave?key={key}", base_url=BASE).status_code == 401


def test_hostile_autosave_bodies_get_a_clear_4xx(app: Flask, world: World) -> None:
    anna = world.client(app, "trainee")
    for body in (
        [1, 2],
        {"key": "x", "data": {}},
        {"key": "/a", "data": {"t": 5}},
        {"key": "/a", "data": {"t": "nul\x00"}},
        "text",
    ):
        assert anna.post("/autosave", json=body, base_url=BASE).status_code == 400


def test_the_draft_and_grading_pages_load_the_autosave_script(app: Flask, world: World) -> None:
    anna = world.client(app, "trainee")
    page = anna.get(f"/grading/assignments/{world.ids['assignment_id']}", base_url=BASE)
    assert b"js/autosave.js" in page.data
    trainer = world.client(app, "trainer")
    grading = trainer.get(f"/grading/submissions/{world.ids['anna_submission']}", base_url=BASE)
    assert b"js/autosave.js" in grading.data and b"grade-form" in grading.data
