"""Coordination and admin pages on a 360 px phone: no sideways scrolling, axe-clean; a school is
found by typing "gyor", drilled to from the country; an admin finds "gabor" and revokes his rights
after a confirmation."""

from __future__ import annotations

from sqlalchemy import delete, select

from lms_plugin.accounts.models import User
from lms_plugin.coordination.models import CoordinatorGrant, Programme, School, TrainingCentre
from lms_plugin.db import db
from tests.browser import seeding
from tests.browser.journey import Journey
from tests.browser.live_server import LiveServer

GYOR = "Győri Műszaki Technikum"


def _seed(live: LiveServer) -> None:
    """Gábor (launched once) coordinates the demo programme, which gains a school in Győr."""
    seeding.school_with_waiting_helpers(live.app)
    with live.app.app_context():
        programme = db.session.scalars(select(Programme)).first()
        assert programme is not None
        if db.session.scalar(select(School).where(School.name == GYOR)) is None:
            centre = TrainingCentre(
                programme_id=programme.id, code="GYSZC", name="Győri SZC", municipality="Győr"
            )
            db.session.add(centre)
            db.session.flush()
            db.session.add(
                School(
                    programme_id=programme.id,
                    centre_id=centre.id,
                    code="GYSZC-MUSZ",
                    name=GYOR,
                    municipality="Győr",
                    vocational_fields="informatika",
                    target_helpers=4,
                )
            )
        gabor = db.session.scalar(select(User).where(User.sub == "6"))
        assert gabor is not None
        gabor.is_coordinator = True
        db.session.add(CoordinatorGrant(user_id=gabor.id, programme_id=programme.id))
        db.session.commit()


def _undo(live: LiveServer) -> None:
    """Leave Gábor as the other journeys expect him: not a coordinator, nothing granted."""
    with live.app.app_context():
        gabor = db.session.scalar(select(User).where(User.sub == "6"))
        if gabor is not None:
            gabor.is_coordinator = False
            db.session.execute(delete(CoordinatorGrant).where(CoordinatorGrant.user_id == gabor.id))
            db.session.commit()


def _open(phone: Journey, name: str) -> None:
    """Follow a link of the coordination pages' own navigation (always visible on a phone)."""
    link = phone.tool.locator("nav.co-subnav").get_by_role("link", name=name, exact=True)
    with phone.frame().expect_navigation():
        link.click()
    phone.wait_for_tool()


def _press(phone: Journey, name: str) -> None:
    """Activate a button from the keyboard (focus, Enter), as on a phone with a keyboard: in
    Chromium's touch emulation a click on a submit button now and then submits nothing."""
    button = phone.tool.get_by_role("button", name=name, exact=True).first
    with phone.frame().expect_navigation():
        button.focus()
        button.press("Enter")
    phone.wait_for_tool()


def _check(phone: Journey, label: str) -> None:
    phone.assert_no_horizontal_scroll(label)
    phone.axe(label)
    phone.shoot(label)


def test_phone_coordinator_and_admin_pages(phone: Journey, live: LiveServer) -> None:
    phone.launch("gabor", "home")
    _seed(live)
    try:
        phone.launch("gabor", "coordination")
        _check(phone, "coverage")
        # Country → centre → school, by the links of the attention table.
        phone.click("Győri SZC")
        assert "Lefedettség: Győri SZC" in phone.text()
        _check(phone, "coverage-centre")
        phone.click(GYOR)
        assert f"Lefedettség: {GYOR}" in phone.text()
        _check(phone, "coverage-school")

        _open(phone, "Iskolák")
        search = phone.tool.get_by_label("Iskola keresése (név, kód, település vagy centrum)")
        search.fill("gyor")
        with phone.frame().expect_navigation():
            search.press("Enter")  # a phone keyboard's "Go"
        phone.wait_for_tool()
        assert GYOR in phone.text() and "1–1, összesen 1" in phone.text()
        _check(phone, "schools-search")
        for page in ("Mentorok", "Beosztások", "Kortárs segítők", "Napló"):
            _open(phone, page)
            _check(phone, f"page-{page}")

        phone.launch("zsuzsa", "home")
        phone.click("Koordinátorok")
        phone.tool.get_by_label("Név, e-mail-cím vagy Moodle-felhasználóazonosító").fill("gabor")
        _press(phone, "Keresés")
        assert "Tóth Gábor" in phone.text()
        _check(phone, "admin-coordinators")
        _press(phone, "Koordinátori jog visszavonása… Tóth Gábor")
        assert "Visszavonja Tóth Gábor koordinátori jogát?" in phone.text()
        _check(phone, "admin-revoke-confirm")
        _press(phone, "Tóth Gábor koordinátori jogának visszavonása")
        with live.app.app_context():
            gabor = db.session.scalar(select(User).where(User.sub == "6"))
            assert gabor is not None and not gabor.is_coordinator
    finally:
        _undo(live)
