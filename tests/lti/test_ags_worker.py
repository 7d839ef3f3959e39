"""Delivery after the response (fast path) and the `flask lti deliver|deliveries|retry` worker."""

from __future__ import annotations

import os
import signal
from typing import Any

import click
import pytest
from flask import Flask

from lms_plugin.db import db
from lms_plugin.lti import ags_delivery, service_commands
from lms_plugin.lti.ags import queue_score
from lms_plugin.lti.cli_group import lti_group
from lms_plugin.lti.outbox_models import ScoreDelivery
from tests.lti.service_fixtures import Course
from tests.lti.stub_platform import StubPlatform


def _queue(course: Course, user_id: int, given: float = 8) -> ScoreDelivery:
    return queue_score(
        user_id=user_id,
        context_pk=course.context.id,
        resource_link_pk=course.link.id,
        line_item=None,
        score_given=given,
        score_maximum=10,
        activity_progress="Completed",
        grading_progress="FullyGraded",
    )


def _respond(app: Flask) -> Any:
    """Finish the current request the way Flask does, without closing the response yet."""
    response = app.make_response("saved")
    return app.process_response(response)


def test_fast_path_delivers_after_the_response_is_closed(
    app_ctx: Flask, stub: StubPlatform, course: Course
) -> None:
    with app_ctx.test_request_context("/grading/save", method="POST"):
        row = _queue(course, course.anna.id)
        assert stub.scores.get(course.link.lineitem_url or "", []) == []  # flushed, not sent
        db.session.commit()
        response = _respond(app_ctx)
    assert stub.scores.get(course.link.lineitem_url or "", []) == []  # not before the response
    response.close()
    assert [s["scoreGiven"] for s in stub.scores[course.link.lineitem_url or ""]] == [8]
    db.session.expire_all()
    assert db.session.get_one(ScoreDelivery, row.id).status == "sent"


def test_fast_path_never_delivers_rolled_back_scores(
    app_ctx: Flask, stub: StubPlatform, course: Course
) -> None:
    with app_ctx.test_request_context("/grading/save", method="POST"):
        _queue(course, course.anna.id)
        db.session.rollback()
        db.session.commit()
        response = _respond(app_ctx)
    response.close()
    assert stub.calls == []
    assert db.session.query(ScoreDelivery).count() == 0


def test_fast_path_with_the_platform_down_keeps_the_score_waiting(
    app_ctx: Flask, stub: StubPlatform, course: Course
) -> None:
    stub.down = "connection"
    with app_ctx.test_request_context("/grading/save", method="POST"):
        row = _queue(course, course.anna.id)
        db.session.commit()
        response = _respond(app_ctx)
    response.close()  # must not raise
    db.session.expire_all()
    stored = db.session.get_one(ScoreDelivery, row.id)
    assert stored.status == "waiting" and stored.attempts == 1
    assert "unreachable" in (stored.last_error or "")


def test_cli_deliver_list_and_retry(app_ctx: Flask, stub: StubPlatform, course: Course) -> None:
    runner = app_ctx.test_cli_runner()
    app_ctx.config["AGS_MAX_ATTEMPTS"] = 1
    try:
        stub.down = 500
        row = _queue(course, course.anna.id)
        db.session.commit()
        out = runner.invoke(lti_group, ["deliver", "--once"])
        assert out.exit_code == 0 and "failed 1" in out.output
        listed = runner.invoke(lti_group, ["deliveries", "--failed"])
        assert f"#{row.id} failed" in listed.output and "HTTP 500" in listed.output
        stub.down = None
        retried = runner.invoke(lti_group, ["retry", "--id", str(row.id)])
        assert retried.exit_code == 0 and "waiting" in retried.output
        sent = runner.invoke(lti_group, ["deliver"])
        assert "sent 1" in sent.output
        assert (
            runner.invoke(lti_group, ["deliveries", "--failed"]).output.strip() == "No deliveries."
        )
        missing = runner.invoke(lti_group, ["retry", "--id", "999999"])
        assert missing.exit_code != 0 and "999999" in missing.output
    finally:
        app_ctx.config.pop("AGS_MAX_ATTEMPTS")


def test_worker_loop_sleeps_between_rounds_and_stops_on_sigterm(
    app_ctx: Flask, stub: StubPlatform, course: Course, monkeypatch: pytest.MonkeyPatch
) -> None:
    rounds: list[int] = []
    real_round = ags_delivery.deliver_round

    def counting_round(**kwargs: Any) -> ags_delivery.RoundResult:
        rounds.append(1)
        if len(rounds) == 3:
            os.kill(os.getpid(), signal.SIGTERM)
        return real_round(**kwargs)

    monkeypatch.setattr(service_commands, "deliver_round", counting_round)
    _queue(course, course.anna.id)
    db.session.commit()
    before = signal.getsignal(signal.SIGTERM)
    out = app_ctx.test_cli_runner().invoke(lti_group, ["deliver", "--loop", "--interval", "0.05"])
    assert out.exit_code == 0, out.output
    assert len(rounds) == 3 and out.output.rstrip().endswith("Stopped.")
    assert "sent 1" in out.output
    assert signal.getsignal(signal.SIGTERM) == before


def test_deliver_commands_are_registered_on_the_app(app: Flask) -> None:
    group = app.cli.get_command(click.Context(app.cli), "lti")
    assert isinstance(group, click.Group)
    for name in ("deliver", "deliveries", "retry", "sync-roster"):
        assert name in group.commands
