"""Item 18/5: the national matcher runs as a background job: queued by the request, started once
per programme (also under two concurrent requests), progress visible, the drafts its result,
the coordinator told once when it ends, a failure said in words."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from lms_plugin.accounts.models import Role
from lms_plugin.coordination.matching import jobs as matcher_jobs
from lms_plugin.coordination.models import HelperLink, MatchRun, Programme
from lms_plugin.db import db
from lms_plugin.jobs.models import DONE, FAILED, QUEUED, Job
from lms_plugin.jobs.services import run_due_jobs
from tests.conftest import Factory, login
from tests.coordination.conftest import Org
from tests.jobs_background.conftest import waiting_helpers


def _start(client: FlaskClient, org: Org) -> Any:
    return client.post("/coordination/match", data={"programme": org.programme.id})


def _jobs() -> list[Job]:
    db.session.expire_all()
    return list(db.session.scalars(select(Job).order_by(Job.id)))


def _ready(org: Org, make: Factory, client: FlaskClient, helpers: int = 3) -> None:
    org.mentor(make, max_helpers=2)
    waiting_helpers(org, helpers)
    login(client, org.coordinator, Role.COORDINATOR, org.context)


def test_a_second_start_returns_the_running_job_and_the_button_is_disabled(
    org: Org, make: Factory, client: FlaskClient
) -> None:
    _ready(org, make, client)
    first = _start(client, org)
    assert first.status_code == 303
    assert db.session.query(MatchRun).count() == 0, "the request ran the matcher itself"
    second = _start(client, org)
    assert second.headers["Location"] == first.headers["Location"]
    queued = _jobs()
    assert [(j.kind, j.status) for j in queued] == [("matching_run", QUEUED)]

    page = client.get(second.headers["Location"]).get_data(as_text=True)
    assert "already running for this programme" in page
    assert "Waiting to start…" in page
    helpers_page = client.get(f"/coordination/helpers?programme={org.programme.id}")
    text = helpers_page.get_data(as_text=True)
    assert "The matcher is running: see its progress" in text
    assert 'action="/coordination/match"' not in text


def test_two_concurrent_starts_make_one_job(
    app: Flask, org: Org, make: Factory, client: FlaskClient
) -> None:
    _ready(org, make, client)
    browsers = [app.test_client() for _ in range(2)]
    for browser in browsers:
        login(browser, org.coordinator, Role.COORDINATOR, org.context, lang="en")
    barrier = threading.Barrier(2)
    answers: list[str] = []
    programme_id = org.programme.id

    def start(browser: FlaskClient) -> None:
        barrier.wait()
        response = browser.post("/coordination/match", data={"programme": programme_id})
        answers.append(f"{response.status_code} {response.headers.get('Location')}")

    threads = [threading.Thread(target=start, args=(b,)) for b in browsers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(answers) == 2 and answers[0] == answers[1], answers
    assert answers[0].startswith("303 ")
    assert len(_jobs()) == 1


def test_the_database_refuses_a_second_active_job_for_the_programme(
    app_ctx: Flask, org: Org
) -> None:
    key = matcher_jobs.dedupe_key(org.programme.id)
    db.session.add(Job(kind="matching_run", params={}, dedupe_key=key))
    db.session.commit()
    db.session.add(Job(kind="matching_run", params={}, dedupe_key=key))
    with pytest.raises(Exception, match=r"(?i)unique"):
        db.session.commit()
    db.session.rollback()


def test_progress_then_the_review_shows_the_drafts_and_the_banner_comes_once(
    app: Flask, org: Org, make: Factory, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    _ready(org, make, client)
    progress_url = _start(client, org).headers["Location"]
    job_id = int(progress_url.rsplit("/", 1)[1])
    state = client.get(f"/coordination/match/job/{job_id}.json").get_json()
    assert (state["status"], state["percent"], state["result_url"]) == ("queued", 0, None)

    seen_while_running: list[dict[str, Any]] = []
    real_run = matcher_jobs.matching.run

    def observed_run(programme: Programme, by: Any) -> MatchRun:
        seen_while_running.append(client.get(f"/coordination/match/job/{job_id}.json").get_json())
        return real_run(programme, by)

    monkeypatch.setattr(matcher_jobs.matching, "run", observed_run)
    assert run_due_jobs(app) == 1
    assert seen_while_running[0]["status"] == "running"
    assert seen_while_running[0]["message"] == "Working…"

    state = client.get(f"/coordination/match/job/{job_id}.json").get_json()
    run = db.session.scalars(select(MatchRun)).one()
    assert state["status"] == "done" and state["percent"] == 100
    assert state["result_url"] == f"/coordination/match/{run.id}"
    assert "Proposal ready: 2 of 3 waiting helpers matched." in state["message"]
    assert db.session.scalar(select(func.count()).select_from(HelperLink)) == 2

    # The progress page of a finished run opens the review; the banner says it ended, once.
    done = client.get(progress_url)
    assert done.status_code == 303 and done.headers["Location"] == state["result_url"]
    review = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "Mentor proposal (matcher): Proposal ready: 2 of 3 waiting helpers matched." in review
    again = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "Mentor proposal (matcher):" not in again
    # With the run over, the button is back and a new start queues a new job.
    assert 'action="/coordination/match"' in client.get(
        f"/coordination/helpers?programme={org.programme.id}"
    ).get_data(as_text=True)
    assert _start(client, org).headers["Location"] != progress_url


def test_a_failed_run_says_so_in_words_and_writes_nothing(
    app: Flask, org: Org, make: Factory, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    _ready(org, make, client)
    real_run = matcher_jobs.matching.run

    def run_then_break(programme: Programme, by: Any) -> MatchRun:
        real_run(programme, by)
        raise RuntimeError("disk full")

    monkeypatch.setattr(matcher_jobs.matching, "run", run_then_break)
    progress_url = _start(client, org).headers["Location"]
    run_due_jobs(app)
    (job,) = _jobs()
    assert job.status == FAILED and job.dedupe_key is None
    assert db.session.query(MatchRun).count() == 0, "the half-done run was kept"
    page = client.get(progress_url).get_data(as_text=True)
    assert "It failed. Start it again; if it fails again, tell the administrator." in page
    assert "disk full" not in page
    # A failure frees the programme: the coordinator can start it again.
    assert _start(client, org).headers["Location"] != progress_url


def test_another_coordinator_of_the_programme_sees_the_run_but_a_centre_one_does_not(
    app: Flask, org: Org, make: Factory, client: FlaskClient
) -> None:
    _ready(org, make, client)
    progress_url = _start(client, org).headers["Location"]
    run_due_jobs(app)
    stranger = make.user(org.context, Role.TRAINEE, is_coordinator=True)
    db.session.commit()
    other = app.test_client()
    login(other, stranger, Role.COORDINATOR, org.context, lang="en")
    assert other.get(progress_url).status_code in (403, 404)
    assert other.get(progress_url + ".json").status_code in (403, 404)
    (job,) = _jobs()
    assert job.status == DONE
