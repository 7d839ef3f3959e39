"""The service year on a 360 px phone: a mentor logs a helper-training session and a case
discussion (the name warning, confirmed), records an urgent referral, and the school's contact
receives the e-mail (a real SMTP server); no page scrolls sideways and every page is axe-clean."""

from __future__ import annotations

import socket
from datetime import date
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from sqlalchemy import select

from lms_plugin.accounts.models import User
from lms_plugin.coordination.models import (
    HelperLink,
    MentorProfile,
    PeerHelper,
    Placement,
    Programme,
    School,
    TrainingCentre,
)
from lms_plugin.db import db
from lms_plugin.service.models import Referral, SchoolContact, SupervisionMeeting, TrainingSession
from tests.browser import seeding
from tests.browser.journey import Journey
from tests.browser.live_server import LiveServer

SCHOOL = "Szolgálati Próba Technikum"


class Inbox:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        mail = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(mail, EmailMessage)
        self.messages.append(mail)
        return "250 OK"


def _seed(live: LiveServer) -> None:
    """Anna (sub 4) is a mentor placed at a school of the demo programme with two helpers."""
    seeding.school_with_waiting_helpers(live.app)
    with live.app.app_context():
        if db.session.scalar(select(School).where(School.name == SCHOOL)) is not None:
            return
        programme = db.session.scalars(select(Programme)).first()
        assert programme is not None
        centre = db.session.scalars(
            select(TrainingCentre).where(TrainingCentre.programme_id == programme.id)
        ).first()
        assert centre is not None
        school = School(
            programme_id=programme.id,
            centre_id=centre.id,
            code="SZP",
            name=SCHOOL,
            municipality="Szeged",
        )
        db.session.add(school)
        db.session.flush()
        anna = db.session.scalar(select(User).where(User.sub == "4"))
        assert anna is not None
        mentor = db.session.scalar(select(MentorProfile).where(MentorProfile.user_id == anna.id))
        if mentor is None:
            mentor = MentorProfile(user_id=anna.id, home_school_id=school.id)
            db.session.add(mentor)
            db.session.flush()
        db.session.add(Placement(mentor_id=mentor.id, school_id=school.id))
        for name in ("Réka B.", "Dani K."):
            helper = PeerHelper(
                school_id=school.id,
                display_name=name,
                school_year=10,
                start_date=date.today(),
                birth_year=date.today().year - 16,
                consent_by="guardian",
            )
            db.session.add(helper)
            db.session.flush()
            db.session.add(HelperLink(helper_id=helper.id, mentor_id=mentor.id))
        db.session.add(
            SchoolContact(
                school_id=school.id,
                name="Gyermekvédelmi Gabi",
                role="cp_contact",
                email="gabi@szp.example.hu",
                language="hu",
            )
        )
        db.session.commit()


def _check(phone: Journey, label: str) -> None:
    phone.assert_no_horizontal_scroll(label)
    phone.axe(label)
    phone.shoot(label)


def _open(phone: Journey, path: str) -> None:
    frame = phone.frame()
    frame.goto(f"{phone.live.tool}{path}")
    phone.wait_for_tool()


def test_phone_mentor_logbook_and_urgent_referral(phone: Journey, live: LiveServer) -> None:
    phone.launch("anna", "home")
    _seed(live)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    inbox = Inbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=port)
    smtp.start()
    config = live.app.config
    before = {k: config.get(k) for k in ("MAIL_BACKEND", "MAIL_SERVER", "MAIL_PORT")}
    config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    try:
        _open(phone, "/service/")
        _check(phone, "logbook")
        phone.click("Felkészítő alkalom rögzítése")
        tool = phone.tool
        tool.get_by_label("Iskola").select_option(label=SCHOOL)
        tool.get_by_label("Téma").select_option(value="s2")
        tool.get_by_label("Réka B. (10.)").check()
        tool.get_by_label("Rövid megjegyzés").fill("Szerepjátékok, jó hangulat.")
        _check(phone, "session-form")
        phone.click("Mentés", role="button", exact=True)
        assert "A felkészítő alkalom elmentve." in phone.text()

        phone.click("Megbeszélés rögzítése")
        tool.get_by_label("Iskola").select_option(label=SCHOOL)
        tool.get_by_label("Forma").select_option(value="intervision")
        tool.get_by_label("Megbeszélt esetek száma").fill("2")
        tool.get_by_label("Konfliktus").check()
        tool.get_by_label("Rövid megjegyzés").fill("Dani jól kezelte a konfliktust.")
        phone.click("Mentés", role="button", exact=True)
        assert "mintha nevet tartalmazna (Dani)" in phone.text()
        _check(phone, "meeting-name-warning")
        tool.get_by_label("A megjegyzés nem nevez meg tanulót").check()
        phone.click("Mentés", role="button", exact=True)
        assert "A megbeszélés elmentve." in phone.text()

        phone.click("Gyermekvédelmi jelzések")
        assert "112" in phone.text() and "116 111" in phone.text()
        tool.get_by_label("Iskola").select_option(label=SCHOOL)
        tool.get_by_label("Sürgősség").select_option(value="urgent")
        tool.get_by_label("Kinek jelezte").select_option(value="cp_contact")
        _check(phone, "referral-form")
        phone.click("Jelzés mentése", role="button")
        assert "e-mailt kaptak (1)" in phone.text()
        _check(phone, "referrals")
        with live.app.app_context():
            code = db.session.scalars(select(Referral.code)).one()
            assert db.session.scalars(select(TrainingSession)).one().helpers_present == 1
            assert db.session.scalars(select(SupervisionMeeting)).one().cases == 2
        assert len(inbox.messages) == 1
        mail = inbox.messages[0]
        assert mail["To"] == "gabi@szp.example.hu"
        assert "Sürgős" in mail["Subject"] and code in mail["Subject"]
    finally:
        config.update(before)
        smtp.stop()
