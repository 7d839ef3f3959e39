"""The platform down or slow while scores are delivered: they wait, then arrive later, in order.

The practice LMS (lti1p3platform) is the platform; a fault injector sits in front of it.
"""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import pytest
import requests
from flask import Flask
from sqlalchemy import select

from lms_plugin.db import db, utcnow
from lms_plugin.lti.ags import delivery_status, queue_score
from lms_plugin.lti.ags_delivery import deliver_round
from lms_plugin.practice.models import PracticeScore
from tests.faults.seed import course_of, https_client, user_of
from tests.practice_platform import PracticeLms, launch_as


class Faults:
    """What the platform does to the tool's server-to-server calls right now."""

    def __init__(self) -> None:
        self.mode = "up"
        self.failed_calls = 0

    def apply(self, request: requests.PreparedRequest) -> requests.Response | None:
        if self.mode == "up":
            return None
        self.failed_calls += 1
        if self.mode == "timeout":
            time.sleep(0.05)  # slow, then the client gives up
            raise requests.ReadTimeout("read timed out (injected)", request=request)
        if self.mode == "refused":
            raise requests.ConnectionError("connection refused (injected)", request=request)
        response = requests.Response()
        response.status_code = 500 if self.mode == "500" else 503
        response._content = b"<html>Internal Server Error</html>"
        response.headers["Content-Type"] = "text/html"
        response.url, response.request = str(request.url), request
        return response


@pytest.fixture
def faults(practice_lms: PracticeLms, monkeypatch: pytest.MonkeyPatch) -> Faults:
    injector = Faults()
    original = practice_lms.transport.send

    def send(request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        injected = injector.apply(request)  # (a Response is falsy when its status is an error)
        return injected if injected is not None else original(request, *args, **kwargs)

    monkeypatch.setattr(practice_lms.transport, "send", send)
    return injector


def _queue(app: Flask, lms: PracticeLms, sub: str, given: float) -> int:
    with app.app_context():
        context, link = course_of(lms)
        row = queue_score(
            user_id=user_of(lms, sub).id,
            context_pk=context.id,
            resource_link_pk=link.id,
            line_item=None,
            score_given=given,
            score_maximum=10,
            activity_progress="Completed",
            grading_progress="FullyGraded",
        )
        db.session.commit()
        return row.id


def _gradebook(app: Flask, sub: str) -> list[tuple[float | None, Any]]:
    with app.app_context():
        rows = db.session.execute(
            select(PracticeScore.score_given, PracticeScore.timestamp)
            .where(PracticeScore.user_sub == sub)
            .order_by(PracticeScore.id)
        ).all()
        return [(r[0], r[1]) for r in rows]


def _round(app: Flask, later: timedelta = timedelta(0)) -> Any:
    with app.app_context():
        return deliver_round(now=utcnow() + later)


@pytest.mark.parametrize("mode", ["timeout", "refused", "500", "503"])
def test_scores_wait_while_the_platform_is_down_then_arrive_in_order(
    app: Flask, practice_lms: PracticeLms, faults: Faults, mode: str
) -> None:
    for who in ("anna", "peter"):
        assert launch_as(https_client(app), who, target="course").status_code == 200
    _queue(app, practice_lms, "4", 6)
    _round(app)
    assert [g for g, _ in _gradebook(app, "4")] == [6]  # delivered while the platform was up

    faults.mode = mode
    _queue(app, practice_lms, "4", 7)
    _queue(app, practice_lms, "5", 5)  # Péter's first score meets the outage too
    result = _round(app)
    assert result.sent == [] and len(result.retrying) == 2 and faults.failed_calls >= 2
    newest = _queue(app, practice_lms, "4", 9)  # the trainer corrects the grade during the outage
    _round(app, timedelta(hours=2))
    with app.app_context():
        status = delivery_status(user_of(practice_lms, "4").id, course_of(practice_lms)[0].id, None)
        assert status is not None and status.status == "waiting" and status.last_error
        assert status.id == newest
    assert [g for g, _ in _gradebook(app, "4")] == [6], "nothing arrives while it is down"

    faults.mode = "up"
    _round(app, timedelta(hours=4))
    anna = _gradebook(app, "4")
    assert [g for g, _ in anna] == [6, 9], "the newest score arrives; the superseded 7 never does"
    assert anna[0][1] < anna[1][1], "timestamps strictly increase, so Moodle keeps the newer one"
    assert [g for g, _ in _gradebook(app, "5")] == [5]
    assert _round(app, timedelta(hours=6)).touched == 0, "nothing is sent twice"
