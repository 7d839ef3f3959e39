"""Coordination and admin pages on a 360 px phone: no sideways scrolling, axe-clean; a school is
found by typing "gyor", drilled to from the country; a mentor is placed there (the form starts at
her own school); a mentor whose certificate expired is refused on her own page with the date and
the renewal path; an admin finds "gabor", revokes his rights after a confirmation and grants them
again."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, select

from lms_plugin.accounts.models import User
from lms_plugin.certification.models import Certificate
from lms_plugin.certification.services import new_code
from lms_plugin.coordination.models import (
    CoordinatorGrant,
    MentorProfile,
    Placement,
    Programme,
    School,
    TrainingCentre,
)
from lms_plugin.db import db, utcnow
from tests.browser import seeding
from tests.browser.journey import Journey
from tests.browser.live_server import LiveServer

GYOR = "Győri Műszaki Technikum"
READY, LAPSED = "Kiss Réka", "Lakatos Ibolya"  # a valid certificate; one that expired


def _mentor(platform_id: int, sub: str, name: str, home: School, expires_in: timedelta) -> None:
    if db.session.scalar(select(User).where(User.sub == sub)) is not None:
        return
    user = User(platform_id=platform_id, sub=sub, name=name)
    db.session.add(user)
    db.session.flush()
    db.session.add(MentorProfile(user_id=user.id, home_school_id=home.id))
    expires = utcnow() + expires_in
    db.session.add(
        Certificate(
            user_id=user.id,
            course_id="mentor-30h",
            course_version="test",
            period_no=1,
            code=new_code(),
            holder_name=name,
            hours=30.0,
            issued_at=expires - timedelta(days=3 * 365),
            valid_from=expires - timedelta(days=3 * 365),
            expires_at=expires,
        )
    )


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
        gyor = db.session.scalar(select(School).where(School.name == GYOR))
        assert gyor is not None
        _mentor(gabor.platform_id, "phone-ready", READY, gyor, timedelta(days=600))
        _mentor(gabor.platform_id, "phone-lapsed", LAPSED, gyor, -timedelta(days=20))
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
        ready = db.session.scalar(select(User.id).where(User.sub == "phone-ready"))
        if ready is not None:  # the placement made here would change the other journeys' counts
            db.session.execute(
                delete(Placement).where(
                    Placement.mentor_id.in_(
                        select(MentorProfile.id).where(MentorProfile.user_id == ready)
                    )
                )
            )
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
        for page in ("Beosztások", "Kortárs segítők", "Napló"):
            _open(phone, page)
            _check(phone, f"page-{page}")

        # A mentor is placed at her own school: the form already names it.
        _open(phone, "Mentorok")
        _check(phone, "page-Mentorok")
        phone.click(READY)
        assert phone.tool.get_by_label("Beosztás ide:").input_value().startswith(GYOR)
        _check(phone, "mentor-place")
        _press(phone, "Beosztás")
        assert "A mentor be van osztva az iskolába." in phone.text()
        with live.app.app_context():
            placed = db.session.scalars(
                select(School.name)
                .join(Placement, Placement.school_id == School.id)
                .join(MentorProfile, MentorProfile.id == Placement.mentor_id)
                .join(User, User.id == MentorProfile.user_id)
                .where(User.sub == "phone-ready")
            ).all()
        assert placed == [GYOR]

        # A mentor whose certificate expired: why, since when, and the way back, on her page.
        _open(phone, "Mentorok")  # the pool lists valid certificates; she is found with "all"
        phone.tool.locator("#f-q").fill("lakatos")
        phone.tool.locator("#f-all").focus()  # a tap can be dropped by touch emulation
        phone.tool.locator("#f-all").press("Space")
        assert phone.tool.locator("#f-all").is_checked()
        _press(phone, "Szűrés")
        phone.click(LAPSED)
        refused = phone.tool.locator("#place-refused")
        assert "Ez a mentor most nem osztható be." in refused.inner_text()
        assert "Lejárt:" in refused.inner_text()
        assert refused.get_by_role("link", name="A frissítő modul", exact=False).count() == 1
        assert phone.tool.get_by_role("button", name="Beosztás", exact=True).count() == 0
        _check(phone, "mentor-expired")

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

        # … and granted again, by his Moodle user id, for the whole programme.
        phone.tool.get_by_label("Moodle-felhasználóazonosító", exact=True).fill("6")
        _press(phone, "Koordinátori jog megadása")
        phone.tool.get_by_label("Program vagy képzési centrum megadása").first.fill(
            "Kortárs segítő program 2026/27 (teljes program)"  # the server resolves the text
        )
        _check(phone, "admin-grant")
        _press(phone, "Megadás")
        with live.app.app_context():
            gabor = db.session.scalar(select(User).where(User.sub == "6"))
            assert gabor is not None and gabor.is_coordinator
            assert db.session.scalar(
                select(CoordinatorGrant.id).where(CoordinatorGrant.user_id == gabor.id)
            )
    finally:
        _undo(live)
