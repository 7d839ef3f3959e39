"""Item 18/5: the coordinator is told when a background job ends: an e-mail (the `job_finished`
notice) once per job, in their language, not when they turned it off, not without an address."""

from __future__ import annotations

from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from lms_plugin.accounts.models import Role, User
from lms_plugin.db import db
from lms_plugin.jobs.services import run_due_jobs
from lms_plugin.notices import services as notices
from lms_plugin.notices.kinds import JOB_FINISHED, KINDS
from tests.conftest import Factory, login
from tests.coordination.conftest import Org
from tests.jobs_background.conftest import waiting_helpers
from tests.smtp_inbox import Inbox, smtp_inbox


@pytest.fixture
def inbox(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[Inbox]:
    with smtp_inbox(app, monkeypatch, TOOL_PUBLIC_URL="https://mentor.example.hu/") as handler:
        yield handler


def one_round(app: Flask) -> Any:
    with app.test_request_context("/", base_url="https://mentor.example.hu/"):
        return notices.run_round()


def body(mail: EmailMessage) -> str:
    part = mail.get_body(("plain",))
    assert part is not None
    return str(part.get_content())


def _matcher_run_by(app: Flask, org: Org, make: Factory, coordinator: User) -> None:
    org.mentor(make, max_helpers=2)
    waiting_helpers(org, 3)
    client = app.test_client()
    login(client, coordinator, Role.COORDINATOR, org.context, lang="en")
    assert client.post("/coordination/match", data={"programme": org.programme.id}).status_code
    assert run_due_jobs(app) == 1


def test_the_coordinator_is_mailed_once_in_their_language(
    app: Flask, org: Org, make: Factory, inbox: Inbox
) -> None:
    org.coordinator.email = "kata@example.hu"
    org.coordinator.preferred_language = "hu"
    db.session.commit()
    _matcher_run_by(app, org, make, org.coordinator)

    assert one_round(app).sent == 1
    assert one_round(app).sent == 0
    (mail,) = inbox.to("kata@example.hu")
    assert mail["Subject"] == "Elkészült: Mentorjavaslat (párosítás)"
    assert "Elkészült a javaslat: 3 várakozó segítőből 2 kapott párt." in body(mail)
    assert "List-Unsubscribe" in mail


def test_english_text_and_the_result_in_words(
    app: Flask, org: Org, make: Factory, inbox: Inbox
) -> None:
    org.coordinator.email = "kata@example.hu"
    org.coordinator.preferred_language = "en"
    db.session.commit()
    _matcher_run_by(app, org, make, org.coordinator)
    one_round(app)
    (mail,) = inbox.to("kata@example.hu")
    assert mail["Subject"] == "Finished: Mentor proposal (matcher)"
    assert "Proposal ready: 2 of 3 waiting helpers matched." in body(mail)


def test_no_mail_when_turned_off_or_without_an_address(
    app: Flask, org: Org, make: Factory, inbox: Inbox, client: FlaskClient
) -> None:
    assert JOB_FINISHED in KINDS  # a person can turn it off on the preferences page
    org.coordinator.email = "kata@example.hu"
    notices.set_preferences(org.coordinator.id, set(KINDS) - {JOB_FINISHED}, KINDS)
    db.session.commit()
    _matcher_run_by(app, org, make, org.coordinator)
    result = one_round(app)
    assert (result.sent, result.turned_off) == (0, 1)

    org.coordinator.email = None
    notices.set_preferences(org.coordinator.id, set(KINDS), KINDS)
    db.session.commit()
    result = one_round(app)
    assert (result.sent, result.no_address) == (0, 1)
    assert inbox.messages == []
