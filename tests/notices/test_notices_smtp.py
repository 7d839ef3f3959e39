"""E-mail notices against a real SMTP server (aiosmtpd): who gets what, in which language, once,
and how they turn it off."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from lms_plugin.accounts.models import LmsContext, Role, User
from lms_plugin.certification.models import Certificate
from lms_plugin.coordination.models import (
    CoordinatorGrant,
    MentorProfile,
    Programme,
    School,
    TrainingCentre,
)
from lms_plugin.db import db, utcnow
from lms_plugin.grading.models import RELEASED, SUBMITTED, Grade, Submission
from lms_plugin.notices.services import run_round
from lms_plugin.progress.models import CourseSummary
from tests.conftest import Factory
from tests.smtp_inbox import Inbox, free_port, smtp_inbox

COURSE = "mentor-30h"


@pytest.fixture
def inbox(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[Inbox]:
    with smtp_inbox(
        app, monkeypatch, NOTICES_DIGEST_HOUR=0, TOOL_PUBLIC_URL="https://mentor.example.hu/"
    ) as handler:
        yield handler


def one_round(app: Flask) -> Any:
    with app.test_request_context("/", base_url="https://mentor.example.hu/"):
        return run_round()


def body(mail: EmailMessage) -> str:
    part = mail.get_body(("plain",))
    assert part is not None
    return str(part.get_content())


def stalled_trainee(make: Factory, context: LmsContext, email: str | None, lang: str) -> User:
    user = make.user(context, Role.TRAINEE, email=email, preferred_language=lang)
    db.session.add(
        CourseSummary(
            user_id=user.id, course_id=COURSE, last_activity_at=utcnow() - timedelta(days=20)
        )
    )
    db.session.commit()
    return user


def test_a_stalled_trainee_is_reminded_once_in_their_language(
    app: Flask, make: Factory, inbox: Inbox
) -> None:
    context = make.context()
    stalled_trainee(make, context, "anna@example.hu", "hu")
    stalled_trainee(make, context, "bob@example.org", "en")
    silent = stalled_trainee(make, context, None, "hu")  # Moodle sent no address
    fresh = make.user(context, Role.TRAINEE, email="new@example.hu")  # enrolled, not started
    db.session.commit()

    result = one_round(app)

    assert result.sent == 2 and result.no_address == 1
    (to_anna,) = inbox.to("anna@example.hu")
    assert to_anna["Subject"].strip().startswith("Folytassa a képzést")
    assert "20 napja" in body(to_anna)
    (to_bob,) = inbox.to("bob@example.org")
    assert to_bob["Subject"].strip().startswith("Continue the course")
    assert "Mentor training" in to_bob["Subject"]
    assert inbox.to("new@example.hu") == [] and silent.email is None and fresh.id
    assert to_bob["List-Unsubscribe"].startswith("<https://mentor.example.hu/notices/unsubscribe/")
    assert to_bob["From"] == "Mentor Programme <mentor@example.hu>"

    again = one_round(app)
    assert again.sent == 0 and again.already_sent == 2
    assert len(inbox.messages) == 2


def test_the_link_in_the_mail_turns_that_kind_off(
    app: Flask, make: Factory, inbox: Inbox, client: FlaskClient
) -> None:
    context = make.context()
    user = stalled_trainee(make, context, "anna@example.hu", "en")
    one_round(app)
    (mail,) = inbox.to("anna@example.hu")
    text = body(mail)
    link = re.search(r"https://mentor\.example\.hu(/notices/unsubscribe/\S+)", text)
    assert link is not None, text
    page = client.get(link.group(1))  # a link scanner's GET turns nothing off
    assert page.status_code == 200 and b"<form" in page.data
    assert client.post(link.group(1)).status_code == 200  # the button / one-click POST
    # A new stall period would be a new event: nothing goes to someone who turned it off.
    with app.app_context():
        summary = db.session.query(CourseSummary).filter_by(user_id=user.id).one()
        summary.last_activity_at = utcnow() - timedelta(days=16)
        db.session.commit()
    result = one_round(app)
    assert result.sent == 0 and result.turned_off == 1
    assert client.post("/notices/unsubscribe/not-a-token").status_code == 404


def test_a_trainer_gets_one_digest_a_day_of_work_waiting(
    app: Flask, make: Factory, inbox: Inbox
) -> None:
    context = make.context()
    make.user(context, Role.TRAINER, email="tanar@example.hu", preferred_language="hu")
    for n in range(3):
        trainee = make.user(context, Role.TRAINEE)
        db.session.add(
            Submission(
                user_id=trainee.id,
                context_pk=context.id,
                course_id=COURSE,
                module_id="programme",
                assignment_id="programme-plan",
                attempt=1,
                state=SUBMITTED,
                submitted_at=utcnow() - timedelta(days=n),
            )
        )
    db.session.commit()

    assert one_round(app).sent == 1
    (digest,) = inbox.to("tanar@example.hu")
    assert "3" in digest["Subject"] and "értékelés" in digest["Subject"]
    assert one_round(app).sent == 0  # once a day


def test_released_feedback_and_its_correction_are_each_announced(
    app: Flask, make: Factory, inbox: Inbox
) -> None:
    context = make.context()
    trainee = make.user(context, Role.TRAINEE, email="bob@example.org", preferred_language="en")
    submission = Submission(
        user_id=trainee.id,
        context_pk=context.id,
        course_id=COURSE,
        module_id="programme",
        assignment_id="programme-plan",
        attempt=1,
        state="passed",
        submitted_at=utcnow(),
    )
    db.session.add(submission)
    db.session.flush()
    grade = Grade(
        submission_id=submission.id, state=RELEASED, released_at=utcnow(), release_count=1
    )
    db.session.add(grade)
    db.session.commit()

    assert one_round(app).sent == 1
    (first,) = inbox.to("bob@example.org")
    assert first["Subject"].strip().startswith("Feedback on")
    with app.app_context():
        row = db.session.get(Grade, grade.id)
        assert row is not None
        row.release_count = 2
        row.released_at = utcnow()
        db.session.commit()
    assert one_round(app).sent == 1
    assert inbox.to("bob@example.org")[1]["Subject"].strip().startswith("Corrected feedback")


def _certificate(user: User, days: int) -> Certificate:
    now = utcnow()
    cert = Certificate(
        user_id=user.id,
        course_id=COURSE,
        course_version="test",
        period_no=1,
        code=f"C-{user.id}-{days}",
        holder_name=user.name or "",
        hours=30.0,
        issued_at=now - timedelta(days=900),
        valid_from=now - timedelta(days=900),
        expires_at=now + timedelta(days=days),
    )
    db.session.add(cert)
    db.session.flush()
    return cert


def test_certificate_expiry_warns_the_mentor_and_their_coordinator(
    app: Flask, make: Factory, inbox: Inbox
) -> None:
    context = make.context()
    programme = Programme(name="Pilot", school_year="2026/27", year_ends_on=date(2027, 6, 15))
    db.session.add(programme)
    db.session.flush()
    centre = TrainingCentre(
        programme_id=programme.id, code="C1", name="Centre", municipality="Pécs"
    )
    db.session.add(centre)
    db.session.flush()
    school = School(
        programme_id=programme.id,
        centre_id=centre.id,
        code="S1",
        name="Iskola",
        municipality="Pécs",
    )
    db.session.add(school)
    db.session.flush()
    coordinator = make.user(context, Role.TRAINEE, email="koord@example.hu", is_coordinator=True)
    db.session.add(CoordinatorGrant(user_id=coordinator.id, programme_id=programme.id))
    soon = make.user(context, Role.TRAINEE, name="Balogh Ágnes", email="agnes@example.hu")
    db.session.add(MentorProfile(user_id=soon.id, home_school_id=school.id))
    _certificate(soon, 30)
    nearly = make.user(context, Role.TRAINEE, email="gyori@example.hu")
    _certificate(nearly, 10)  # found at 10 days: the 14-day notice only
    far = make.user(context, Role.TRAINEE, email="far@example.hu")
    _certificate(far, 200)
    db.session.commit()

    result = one_round(app)

    assert result.sent == 3
    assert len(inbox.to("agnes@example.hu")) == 1
    (to_coordinator,) = inbox.to("koord@example.hu")
    assert "Balogh Ágnes" in to_coordinator["Subject"]
    assert len(inbox.to("gyori@example.hu")) == 1 and inbox.to("far@example.hu") == []
    assert one_round(app).sent == 0


def test_a_mail_server_that_is_down_loses_nothing(
    app: Flask, make: Factory, monkeypatch: pytest.MonkeyPatch, inbox: Inbox
) -> None:
    context = make.context()
    stalled_trainee(make, context, "anna@example.hu", "hu")
    app.config["MAIL_PORT"] = free_port()  # nothing listens there
    down = one_round(app)
    assert down.sent == 0 and down.failed == 1
    app.config["MAIL_PORT"] = inbox.port
    assert one_round(app).sent == 1
    assert len(inbox.to("anna@example.hu")) == 1


def test_preferences_page_says_when_no_mail_can_be_sent(
    app: Flask, make: Factory, client: FlaskClient
) -> None:
    from tests.conftest import login

    context = make.context()
    user = make.user(context, Role.TRAINEE)
    db.session.commit()
    login(client, user, Role.TRAINEE, context, lang="en")
    page = client.get("/notices/preferences")
    assert page.status_code == 200
    assert b"has not given the tool an e-mail address" in page.data
    token = _csrf(client)
    saved = client.post("/notices/preferences", data={"csrf_token": token, "kind": ["digest"]})
    assert saved.status_code == 302
    assert (
        b'value="stalled" id="kind-stalled" checked' not in client.get("/notices/preferences").data
    )
    bad = client.post("/notices/preferences", data={"csrf_token": token, "kind": ["nope"]})
    assert bad.status_code == 400


def _csrf(client: FlaskClient) -> str:
    page = client.get("/notices/preferences").get_data(as_text=True)
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match is not None
    return match.group(1)


def test_under_make_run_mail_lands_in_the_practice_mailbox(
    app: Flask, make: Factory, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "mailbox")
    context = make.context()
    stalled_trainee(make, context, "anna@example.hu", "hu")
    assert one_round(app).sent == 1
    page = client.get("/notices/mailbox").get_data(as_text=True)
    assert "anna@example.hu" in page and "Folytassa a képzést" in page


def test_the_day_before_a_live_session_its_trainees_are_reminded(
    app: Flask, make: Factory, inbox: Inbox
) -> None:
    from zoneinfo import ZoneInfo

    from lms_plugin.live.models import LiveOccurrence, LiveSignup

    budapest = ZoneInfo("Europe/Budapest")
    tomorrow = utcnow().astimezone(budapest).date() + timedelta(days=1)
    starts = datetime(tomorrow.year, tomorrow.month, tomorrow.day, 14, 30, tzinfo=budapest)
    context = make.context()
    coming = make.user(context, Role.TRAINEE, email="jon@example.org", preferred_language="en")
    later = make.user(context, Role.TRAINEE, email="kesobb@example.hu")
    dates = {}
    for key, when, cancelled in (
        ("tomorrow", starts, False),
        ("next week", starts + timedelta(days=7), False),
        ("cancelled", starts + timedelta(hours=2), True),
    ):
        occurrence = LiveOccurrence(
            context_pk=context.id,
            course_id=COURSE,
            module_id="encountering",
            session_id="listening-triads",
            starts_at=when,
            duration_minutes=180,
            place="Pécs, Zipernowsky Technikum, 12-es terem",
            capacity=12,
            is_cancelled=cancelled,
        )
        db.session.add(occurrence)
        db.session.flush()
        dates[key] = occurrence
    db.session.add(LiveSignup(occurrence_id=dates["tomorrow"].id, user_id=coming.id))
    db.session.add(LiveSignup(occurrence_id=dates["cancelled"].id, user_id=coming.id))
    db.session.add(LiveSignup(occurrence_id=dates["next week"].id, user_id=later.id))
    db.session.commit()

    assert one_round(app).sent == 1
    (mail,) = inbox.to("jon@example.org")
    assert mail["Subject"].strip().startswith("Tomorrow:")
    text = body(mail)
    assert "14:30" in text or "2:30" in text
    assert "Zipernowsky" in text
    assert inbox.to("kesobb@example.hu") == []
    assert one_round(app).sent == 0
