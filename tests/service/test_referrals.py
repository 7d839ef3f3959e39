"""Safeguarding referrals: a code, never a name; urgent ones e-mail the school's contacts at once
(a real SMTP server); the coordinator sees counts and overdue flags, never a case."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from lms_plugin.db import db
from lms_plugin.service.models import Referral
from lms_plugin.service.referrals import services as referrals
from tests.service.conftest import Year, as_coordinator, as_mentor
from tests.smtp_inbox import Inbox, smtp_inbox


@pytest.fixture
def inbox(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[Inbox]:
    with smtp_inbox(app, monkeypatch) as handler:
        yield handler


def _contacts(client: FlaskClient, year: Year) -> None:
    as_coordinator(client, year)
    url = f"/service/schools/{year.school.id}/contacts"
    for name, role, email, lang in (
        ("Gyermekvédelmi Gabi", "cp_contact", "gabi@school.hu", "hu"),
        ("Psychologist Pat", "psychologist", "pat@school.hu", "en"),
    ):
        response = client.post(
            url, data={"name": name, "role": role, "email": email, "language": lang}
        )
        assert response.status_code == 303
    bad = client.post(url, data={"name": "X", "role": "head", "email": "no-at", "language": "hu"})
    assert bad.status_code == 422


def _refer(client: FlaskClient, year: Year, urgency: str, on: date | None = None) -> str:
    as_mentor(client, year)
    response = client.post(
        "/service/referrals",
        data={
            "school_id": str(year.school.id),
            "category": "self_harm",
            "urgency": urgency,
            "recipient": "psychologist",
            "opened_on": (on or date.today()).isoformat(),
        },
    )
    assert response.status_code == 303
    return client.get("/service/referrals").get_data(as_text=True)


def test_an_urgent_referral_emails_each_contact_in_their_language(
    client: FlaskClient, year: Year, inbox: Inbox
) -> None:
    _contacts(client, year)
    page = _refer(client, year, "urgent")
    code = db.session.scalars(select(Referral.code)).one()
    assert code in page and "contacts were e-mailed (2)" in page
    hu = inbox.to("gabi@school.hu")
    en = inbox.to("pat@school.hu")
    assert len(hu) == 1 and len(en) == 1
    assert code in hu[0]["Subject"] and "Sürgős" in hu[0]["Subject"]
    assert "Urgent safeguarding referral" in en[0]["Subject"]
    body = en[0].get_content()
    assert "116 111" in body and "112" in body and code in body
    referral = db.session.scalars(select(Referral)).one()
    assert referral.notified_at is not None


def test_a_routine_referral_emails_nobody(client: FlaskClient, year: Year, inbox: Inbox) -> None:
    _contacts(client, year)
    _refer(client, year, "routine")
    assert inbox.messages == []


def test_an_urgent_referral_without_contacts_says_to_phone(
    client: FlaskClient, year: Year, inbox: Inbox
) -> None:
    page = _refer(client, year, "urgent")
    assert "phone them now" in page
    assert inbox.messages == []


def test_the_form_links_the_course_crisis_rules(client: FlaskClient, year: Year) -> None:
    as_mentor(client, year)
    page = client.get("/service/referrals").get_data(as_text=True)
    assert "112" in page and "116 111" in page
    assert 'href="/course/wellbeing/"' in page
    from lms_plugin.courses.content import get_course

    wellbeing = [m for m in get_course("mentor-30h").modules if m.id == "wellbeing"]
    assert wellbeing and "116 111" in str(wellbeing[0].lessons[2].body)


def test_status_moves_forward_only_and_only_for_the_owner(
    client: FlaskClient, year: Year, make: Any
) -> None:
    _refer(client, year, "soon")
    referral = db.session.scalars(select(Referral)).one()
    url = f"/service/referrals/{referral.id}/status"
    assert client.post(url, data={"status": "referred"}).status_code == 303
    assert client.post(url, data={"status": "open"}).status_code == 303  # refused, flashed
    db.session.refresh(referral)
    assert referral.status == "referred" and referral.referred_on == date.today()
    other = year.org.mentor(make)
    db.session.commit()
    from lms_plugin.accounts.models import Role, User
    from tests.conftest import login

    stranger = db.session.get(User, other.user_id)
    assert stranger is not None
    login(client, stranger, Role.TRAINEE, year.org.context)
    assert client.post(url, data={"status": "closed"}).status_code == 404
    db.session.refresh(referral)
    assert referral.status == "referred"


def test_the_coordinator_sees_counts_and_overdue_never_a_case(
    client: FlaskClient, year: Year
) -> None:
    long_ago = date.today() - timedelta(days=10)
    for _i in range(5):
        _refer(client, year, "soon", on=long_ago)
    codes = db.session.scalars(select(Referral.code)).all()
    as_coordinator(client, year)
    page = client.get("/service/coordinator/referrals").get_data(as_text=True)
    assert year.school.name in page and "overdue" in page
    assert not any(code in page for code in codes)
    assert "self" not in page.lower().replace("yourself", "")  # no category either
    rows = referrals.per_school(select(year.school.__class__.id), referrals_year(long_ago))
    assert rows[0].total == 5 and rows[0].overdue == 5


def test_small_referral_counts_are_suppressed(client: FlaskClient, year: Year) -> None:
    _refer(client, year, "soon")
    as_coordinator(client, year)
    page = client.get("/service/coordinator/referrals").get_data(as_text=True)
    assert "&lt; 5" in page


def referrals_year(day: date) -> str:
    from lms_plugin.service.choices import school_year_of

    return school_year_of(day)
