"""Scores nobody has to remember: trainers see where each stands and retry; a worker runs beside
the web server (what `make run` starts)."""

from __future__ import annotations

import time
from typing import Any

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from lms_plugin.accounts.models import LmsContext, User
from lms_plugin.db import db
from lms_plugin.lti.ags import LineItemSpec, queue_score
from lms_plugin.lti.outbox_models import FAILED, SENT, WAITING, ScoreDelivery
from lms_plugin.lti.worker import start_background_worker
from tests.practice_platform import BASE, PracticeLms, run_launch


def _queue_course_score(practice_lms: PracticeLms, score: float) -> int:
    with practice_lms.app.app_context():
        anna = db.session.scalar(select(User).where(User.sub == "4"))
        context = db.session.scalar(select(LmsContext))
        assert anna is not None and context is not None
        row = queue_score(
            user_id=anna.id,
            context_pk=context.id,
            line_item=LineItemSpec("course:mentor-30h", "course-progress", "Kurzus", 30),
            score_given=score,
            score_maximum=30,
            activity_progress="InProgress",
            grading_progress="FullyGraded",
        )
        assert row is not None
        db.session.commit()
        return row.id


def _platform_down(practice_lms: PracticeLms, monkeypatch: pytest.MonkeyPatch) -> Any:
    real_send = practice_lms.transport.send

    def down(request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        if "/practice/" in str(request.url):
            raise requests.ConnectionError("practice LMS unreachable")
        return real_send(request, *args, **kwargs)

    monkeypatch.setattr(practice_lms.transport, "send", down)
    return real_send


def test_trainers_see_what_is_not_in_moodle_and_retry_it(
    client: FlaskClient, practice_lms: PracticeLms, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_launch(client, "anna", target="course", locale="en")
    real_send = _platform_down(practice_lms, monkeypatch)
    delivery_id = _queue_course_score(practice_lms, 12)
    run_launch(client, "eva", target="grading", locale="en")
    queue = client.get(f"{BASE}/grading/").get_data(as_text=True)
    assert "1 score is not yet in Moodle." in queue
    page = client.get(f"{BASE}/lti/deliveries").get_data(as_text=True)
    assert "waiting" in page and "since" in page

    with practice_lms.app.app_context():
        row = db.session.get_one(ScoreDelivery, delivery_id)
        row.status, row.last_error = FAILED, "gave up after 10 attempts: HTTP 503"
        db.session.commit()
    page = client.get(f"{BASE}/lti/deliveries").get_data(as_text=True)
    assert "failed" in page and "Moodle said: gave up after 10 attempts: HTTP 503" in page
    assert f"/lti/deliveries/{delivery_id}/retry" in page

    monkeypatch.setattr(practice_lms.transport, "send", real_send)
    answer = client.post(f"{BASE}/lti/deliveries/{delivery_id}/retry")
    assert answer.status_code == 302
    with practice_lms.app.app_context():
        assert db.session.get_one(ScoreDelivery, delivery_id).status == SENT
    page = client.get(f"{BASE}/lti/deliveries?show=all").get_data(as_text=True)
    assert "in Moodle" in page
    assert "not yet in Moodle" not in client.get(f"{BASE}/grading/").get_data(as_text=True)


def test_trainees_cannot_see_or_retry_deliveries(
    client: FlaskClient, practice_lms: PracticeLms
) -> None:
    run_launch(client, "anna", target="course", locale="en")
    assert client.get(f"{BASE}/lti/deliveries").status_code == 403
    assert client.post(f"{BASE}/lti/deliveries/1/retry").status_code in (403, 400)


def test_the_worker_beside_the_web_server_delivers_without_anyone_asking(
    app: Flask, client: FlaskClient, practice_lms: PracticeLms
) -> None:
    run_launch(client, "anna", target="course", locale="en")
    app.config["AGS_FAST_PATH"] = False  # only the background worker may deliver here
    try:
        delivery_id = _queue_course_score(practice_lms, 9)
        with practice_lms.app.app_context():
            assert db.session.get_one(ScoreDelivery, delivery_id).status == WAITING
        stop = start_background_worker(app, interval=0.05)
        try:
            deadline = time.monotonic() + 10
            status = WAITING
            while time.monotonic() < deadline and status != SENT:
                time.sleep(0.1)
                with practice_lms.app.app_context():
                    status = db.session.get_one(ScoreDelivery, delivery_id).status
        finally:
            stop.set()
    finally:
        app.config["AGS_FAST_PATH"] = True
    assert status == SENT
