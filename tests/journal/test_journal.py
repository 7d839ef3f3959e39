"""A practicum journal: dated entries written, submitted, graded like an assignment, released."""

from __future__ import annotations

import html
from datetime import date, timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from lms_plugin.accounts.models import Role
from lms_plugin.courses.content import reload_courses
from lms_plugin.db import db
from lms_plugin.grading.models import NEEDS_REVISION, Submission
from lms_plugin.journal.facts import journal_states
from lms_plugin.journal.models import JournalEntry
from lms_plugin.lti.outbox_models import ScoreDelivery
from tests.conftest import Factory, login
from tests.journal.conftest import JOURNAL, MODULE, People, as_user

URL = f"/journal/{MODULE}"


def _text(response: TestResponse) -> str:
    return html.unescape(response.get_data(as_text=True))


def _entry(client: FlaskClient, when: date, plan: str, learnt: str) -> TestResponse:
    return client.post(
        f"{URL}/entries",
        data={"entry_date": when.isoformat(), "answer-0": plan, "answer-1": learnt},
    )


def _submission(user_id: int) -> Submission:
    db.session.expire_all()
    found = db.session.scalar(
        select(Submission)
        .where(Submission.user_id == user_id, Submission.assignment_id == JOURNAL)
        .order_by(Submission.attempt.desc())
    )
    assert found is not None
    return found


def _journal_delivery() -> ScoreDelivery | None:
    """The score queued for the journal's column (course progress has its own column)."""
    db.session.expire_all()
    return db.session.scalar(
        select(ScoreDelivery).where(ScoreDelivery.resource_id.like("journal:%"))
    )


def test_two_dated_entries_submitted_graded_must_pass_and_released(
    client: FlaskClient, people: People
) -> None:
    as_user(client, people.anna, Role.TRAINEE, people.ctx)
    page = _text(client.get(URL))
    assert "sessions with your own helpers and write up each" in page and "Reflection" in page
    assert journal_states(people.anna.id, "tiny") == {MODULE: "none"}

    first, second = date.today() - timedelta(days=14), date.today() - timedelta(days=3)
    assert (
        _entry(client, second, "Active listening in pairs", "They listened well").status_code == 302
    )
    assert (
        _entry(client, first, "Getting to know each other", "Trust takes time").status_code == 302
    )
    assert journal_states(people.anna.id, "tiny") == {MODULE: "draft"}
    page = _text(client.get(URL))
    assert "2 dated entries" in page and "8 words" in page and "7 words" in page

    assert client.post(f"{URL}/submit").status_code == 302
    sub = _submission(people.anna.id)
    assert sub.state == "submitted" and sub.module_id == MODULE and sub.context_pk == people.ctx.id
    # compiled for the marker: dated, in the order of the sessions, under the prompts
    assert sub.text.index("Getting to know each other") < sub.text.index("Active listening")
    assert "Entry 1" in sub.text and "What did you plan?" in sub.text
    assert journal_states(people.anna.id, "tiny") == {MODULE: "submitted"}
    # frozen while it waits for grading
    locked = _entry(client, date.today() - timedelta(days=1), "More", "More")
    assert locked.status_code == 409

    as_user(client, people.trainer, Role.TRAINER, people.ctx)
    assert "Practicum journal" in _text(client.get("/grading/"))
    grade_url = f"/grading/submissions/{sub.id}/grade"
    levels = {"level-reflection": "0", "level-sessions": "1", "version": "0"}
    refused = client.post(grade_url, data={**levels, "outcome": "pass", "action": "ready"})
    assert refused.status_code == 422
    assert "Pass is not possible: Reflection" in _text(refused)
    ok = client.post(grade_url, data={**levels, "outcome": "needs_revision", "action": "ready"})
    assert ok.status_code == 302
    assert journal_states(people.anna.id, "tiny") == {MODULE: "submitted"}  # not released yet
    assert _journal_delivery() is None  # nothing reaches Moodle before release

    client.post("/grading/release", data={"ids": str(sub.id), "confirm": "yes"})
    delivery = _journal_delivery()
    assert delivery is not None
    # the module has an assignment, so the journal has its own column (docs/gradebook.md)
    assert (delivery.resource_id, delivery.tag) == ("journal:practice", "journal")
    assert (delivery.user_id, delivery.context_pk) == (people.anna.id, people.ctx.id)
    assert (delivery.score_given, delivery.score_maximum) == (4, 10)
    assert delivery.activity_progress == "Submitted"
    assert _submission(people.anna.id).state == NEEDS_REVISION
    assert journal_states(people.anna.id, "tiny") == {MODULE: "needs_revision"}

    # the journal reopens: a new entry, and a second attempt
    as_user(client, people.anna, Role.TRAINEE, people.ctx)
    page = _text(client.get(URL))
    assert "What to revise before this can pass:" in page
    assert (
        _entry(client, date.today() - timedelta(days=1), "Follow-up", "Deeper thoughts").status_code
        == 302
    )
    assert client.post(f"{URL}/submit").status_code == 302
    again = _submission(people.anna.id)
    assert (again.attempt, again.state) == (2, "submitted") and "Follow-up" in again.text


def test_the_gradebook_column_is_the_module_s_when_nothing_else_grades_it() -> None:
    from lms_plugin.courses.journal_format import journal_column

    assert journal_column("practicum", module_has_grade=False) == "module:practicum"
    assert journal_column("practice", module_has_grade=True) == "journal:practice"


def test_future_dates_and_unanswered_prompts_are_refused(
    client: FlaskClient, people: People
) -> None:
    as_user(client, people.anna, Role.TRAINEE, people.ctx)
    tomorrow = date.today() + timedelta(days=2)
    refused = _entry(client, tomorrow, "Plan", "Learnt")
    assert refused.status_code == 422
    assert "cannot be in the future" in _text(refused)
    assert "Plan" in _text(refused)  # what was typed is kept
    empty = _entry(client, date.today() - timedelta(days=1), "Plan", "  ")
    assert empty.status_code == 422
    assert "Answer every question of the entry." in _text(empty)
    bad = client.post(f"{URL}/entries", data={"entry_date": "yesterday", "answer-0": "a"})
    assert bad.status_code == 422
    assert db.session.scalar(select(JournalEntry)) is None


def test_submitting_too_few_entries_is_refused_with_the_reason(
    client: FlaskClient, people: People
) -> None:
    as_user(client, people.anna, Role.TRAINEE, people.ctx)
    _entry(client, date.today() - timedelta(days=1), "Plan", "Learnt")
    response = client.post(f"{URL}/submit", follow_redirects=True)
    assert "needs at least 2 dated entries before it can be submitted; it has 1" in _text(response)
    assert db.session.scalar(select(Submission)) is None


def test_another_trainee_s_entries_are_unreachable(client: FlaskClient, people: People) -> None:
    as_user(client, people.anna, Role.TRAINEE, people.ctx)
    _entry(client, date.today() - timedelta(days=1), "Anna's private plan", "Anna learnt")
    entry = db.session.scalar(select(JournalEntry))
    assert entry is not None
    as_user(client, people.bela, Role.TRAINEE, people.ctx)
    assert client.get(f"{URL}/entries/{entry.id}").status_code == 404
    changed = client.post(
        f"{URL}/entries/{entry.id}",
        data={
            "entry_date": (date.today() - timedelta(days=1)).isoformat(),
            "answer-0": "x",
            "answer-1": "y",
        },
    )
    assert changed.status_code == 404
    assert client.post(f"{URL}/entries/{entry.id}/delete").status_code == 404
    assert "Anna's private plan" not in _text(client.get(URL))
    db.session.expire_all()
    assert db.session.get(JournalEntry, entry.id).answers[0] == "Anna's private plan"  # type: ignore[union-attr]


def test_a_locked_module_refuses_the_journal_pages_and_posts(
    client: FlaskClient, people: People, make: Factory
) -> None:
    carla = make.user(people.ctx, Role.TRAINEE, name="Varga Carla")
    db.session.commit()
    as_user(client, carla, Role.TRAINEE, people.ctx)
    assert client.get(URL).status_code == 403
    assert "Available when" in _text(client.get(URL)) or "not available" in _text(client.get(URL))
    assert _entry(client, date.today() - timedelta(days=1), "Plan", "Learnt").status_code == 403
    assert client.post(f"{URL}/submit").status_code == 403
    assert db.session.scalar(select(JournalEntry)) is None
    # nor through grading's assignment pages under the journal's id
    assert (
        client.post(f"/grading/assignments/{JOURNAL}/draft", data={"text": "x"}).status_code == 404
    )


def test_a_lesson_reflection_is_added_to_the_journal(client: FlaskClient, people: People) -> None:
    as_user(client, people.anna, Role.TRAINEE, people.ctx)
    lesson = _text(client.get("/course/basics/lessons/first"))
    assert "Add to my journal" in lesson
    assert "What would you say to a helper who wants to give up?" in lesson
    saved = client.post(
        "/journal/reflections/basics/first/reflection-1", data={"answer": "Listen first."}
    )
    assert saved.status_code == 302
    entry = db.session.scalar(select(JournalEntry))
    assert entry is not None
    assert (entry.kind, entry.journal_id, entry.lesson_id) == ("reflection", JOURNAL, "first")
    assert "Listen first." in _text(client.get(URL))
    assert "Listen first." in _text(client.get("/course/basics/lessons/first"))
    missing = client.post("/journal/reflections/basics/first/reflection-9", data={"answer": "x"})
    assert missing.status_code == 404


def test_the_deep_link_picker_offers_the_journal_column(people: People) -> None:
    from lms_plugin.courses.content import get_course
    from lms_plugin.lti.link_targets import resource_id_of_target, target_of_resource_id
    from lms_plugin.lti.picker_content import _module_of
    from lms_plugin.lti.targets import target_url

    picked = _module_of(get_course("tiny").module(MODULE))
    assert (picked.graded_by, picked.journal_points) == ("assignment", 10.0)
    assert target_of_resource_id("journal:practice") == "journal:practice"
    assert resource_id_of_target("journal:practice", "tiny") == "journal:practice"
    from flask import current_app

    with current_app.test_request_context():
        assert target_url("journal:practice") == "/journal/practice"


def test_without_a_journal_a_reflection_is_a_private_note(
    client: FlaskClient, people: People, app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = Path(app.config["COURSES_DIR"])
    (folder / "tiny/modules/02-practice/journal.yaml").unlink()
    reload_courses()
    as_user(client, people.anna, Role.TRAINEE, people.ctx)
    lesson = _text(client.get("/course/basics/lessons/first"))
    assert "This course has no journal" in lesson and "Save to my notes" in lesson
    saved = client.post(
        "/journal/reflections/basics/first/reflection-1", data={"answer": "Only for me."}
    )
    assert saved.status_code == 302
    entry = db.session.scalar(select(JournalEntry))
    assert entry is not None and (entry.kind, entry.journal_id) == ("note", "")
    assert "Only for me." in _text(client.get("/course/basics/lessons/first"))
    assert client.get(URL).status_code == 404


def test_the_module_page_and_home_link_to_the_journal(client: FlaskClient, people: People) -> None:
    as_user(client, people.anna, Role.TRAINEE, people.ctx)
    module = _text(client.get(f"/course/{MODULE}/"))
    assert f'href="{URL}"' in module and "Open the journal" in module
    home = _text(client.get("/"))
    assert f'href="{URL}"' in home and "Practicum journal" in home
    login(client, people.anna, Role.TRAINEE, people.ctx, lang="hu")
    with client.session_transaction() as sess:
        sess["launch_locale"] = "hu"
    page = _text(client.get(URL))
    assert "Gyakorlati napló" in page and "Új bejegyzés" in page and "Mit terveztél?" in page


def test_hostile_input_gets_a_clear_4xx(client: FlaskClient, people: People) -> None:
    as_user(client, people.anna, Role.TRAINEE, people.ctx)
    assert client.get("/journal/no-such-module").status_code == 404
    assert client.get("/journal/basics").status_code == 404  # a module without a journal
    assert client.get(f"{URL}/entries/99999999999999999999").status_code == 404
    long = _entry(client, date.today() - timedelta(days=1), "x" * 20_001, "y")
    assert long.status_code == 422
    assert "longer than 20000 characters" in _text(long)
    odd = client.post(
        f"{URL}/entries",
        data={"entry_date": "1900-01-01", "answer-0": "a", "answer-1": "b", "title": "t" * 5000},
    )
    assert odd.status_code == 422
    reflect = client.post("/journal/reflections/basics/first/reflection-1", data={"answer": " "})
    assert reflect.status_code == 302  # back to the lesson with the reason
    assert db.session.scalar(select(JournalEntry)) is None
