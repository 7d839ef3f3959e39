"""Secrets never reach the logs: a launch, an AGS token fetch and a grade release, at DEBUG."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from flask import Flask

from lms_plugin.db import db
from lms_plugin.logging_setup import JsonFormatter
from tests.faults.seed import course_of, https_client, user_of
from tests.practice_platform import PracticeLms, run_launch

WATCHED = ("", "lms_plugin", "werkzeug", "pylti1p3", "lti1p3platform", "urllib3", "requests")


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.setFormatter(JsonFormatter())
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def captured() -> Iterator[_Capture]:
    """Every logger the app and its libraries use, at DEBUG, formatted as deployed (JSON lines)."""
    handler = _Capture()
    saved: list[tuple[logging.Logger, int, bool]] = []
    names = set(WATCHED) | {
        n for n in logging.root.manager.loggerDict if n.startswith("lms_plugin")
    }
    for name in names:
        logger = logging.getLogger(name)
        saved.append((logger, logger.level, logger.disabled))
        logger.disabled = False  # Alembic's fileConfig disables loggers that existed before it ran
        logger.setLevel(logging.DEBUG)
        logger.addHandler(handler)
    yield handler
    for logger, level, disabled in saved:
        logger.removeHandler(handler)
        logger.setLevel(level)
        logger.disabled = disabled


def _record_service_calls(
    lms: PracticeLms, monkeypatch: pytest.MonkeyPatch
) -> list[tuple[bytes, bytes]]:
    """(request body, response body) of every server-to-server call: assertions, tokens."""
    seen: list[tuple[bytes, bytes]] = []
    original = lms.transport.send

    def send(request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        response = original(request, *args, **kwargs)
        body = request.body.encode() if isinstance(request.body, str) else (request.body or b"")
        seen.append((body, response.content))
        return response

    monkeypatch.setattr(lms.transport, "send", send)
    return seen


def _secrets(
    app: Flask, lms: PracticeLms, calls: list[tuple[bytes, bytes]], extra: list[str]
) -> dict[str, str]:
    import json
    from urllib.parse import parse_qs

    found: dict[str, str] = {"SECRET_KEY": app.config["SECRET_KEY"]}
    for n, (body, answer) in enumerate(calls):
        form = parse_qs(body.decode("utf-8", "replace"))
        if "client_assertion" in form:
            found[f"client_assertion {n}"] = form["client_assertion"][0]
            token = json.loads(answer)["access_token"]
            found[f"access_token {n}"] = token
    for n, pem in enumerate(Path(app.config["TOOL_KEYS_DIR"]).glob("*.pem")):
        text = pem.read_text()
        if "PRIVATE" in text:
            found[f"tool private key {n}"] = "".join(text.strip().splitlines()[1:3])
    for n, value in enumerate(extra):
        found[f"launch secret {n}"] = value
    return {k: v for k, v in found.items() if v and len(v) >= 16}


def test_no_secret_is_logged_during_launch_token_fetch_and_release(
    app: Flask, practice_lms: PracticeLms, captured: _Capture, monkeypatch: pytest.MonkeyPatch
) -> None:
    from lms_plugin.courses.content import get_course
    from lms_plugin.grading.models import Grade, Submission
    from lms_plugin.lti.ags_delivery import deliver_round

    calls = _record_service_calls(practice_lms, monkeypatch)
    trainer = https_client(app)
    eva = run_launch(trainer, "eva", target="course")
    anna = run_launch(https_client(app), "anna", target="course")
    assert eva.response.status_code == 200 and anna.response.status_code == 200
    with app.app_context():
        context, _link = course_of(practice_lms)
        assignment = get_course("mentor-30h").assignments[0]
        submission = Submission(
            user_id=user_of(practice_lms, "4").id,
            context_pk=context.id,
            course_id="mentor-30h",
            module_id=assignment.module_id,
            assignment_id=assignment.id,
            attempt=1,
            state="submitted",
            text="My plan",
        )
        db.session.add(submission)
        db.session.flush()
        db.session.add(
            Grade(
                submission_id=submission.id,
                state="ready",
                outcome="pass",
                total=assignment.points,
                feedback="Well argued.",
            )
        )
        db.session.commit()
        submission_id = submission.id
    released = trainer.post(
        "/grading/release",
        data={"confirm": "yes", "ids": [str(submission_id)]},
        base_url="https://tool.test",
    )
    assert released.status_code == 302, released.get_data(as_text=True)[:500]
    released.close()
    with app.app_context():
        deliver_round()
    # A replayed id_token and a garbage one are rejected and logged: the reason, never the token.
    replay = https_client(app).post(
        "/lti/launch", data={"id_token": anna.id_token, "state": "s" * 20}
    )
    assert replay.status_code in (400, 401, 403)
    session_cookie = trainer.get_cookie("lms_session", domain="tool.test")
    assert session_cookie is not None
    launch_values = [
        eva.id_token,
        anna.id_token,
        session_cookie.value,
        str(anna.claims.get("nonce", "")),
    ]
    secrets = _secrets(app, practice_lms, calls, launch_values)
    assert any(k.startswith("access_token") for k in secrets), "the test fetched an AGS token"
    assert any(k.startswith("client_assertion") for k in secrets)
    log = "\n".join(captured.lines)
    assert len(captured.lines) > 10, "the flow was logged"
    leaked = [name for name, value in secrets.items() if value in log]
    assert not leaked, f"secrets in the logs: {leaked}"
