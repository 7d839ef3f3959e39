"""Issue 15 acceptance: a live session is scheduled by the trainer, signed up for by a trainee,
attended (the trainer's register) and credited on the trainee's progress page."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from lms_plugin.accounts.models import User
from lms_plugin.courses.availability import grant_exception
from lms_plugin.courses.content import get_course
from lms_plugin.db import db
from tests.browser.journey import Journey

ANNA = "4"  # the practice roster's trainee
MODULE = "encountering"  # module 3: the listening-triads workshop (3 hours)


def _open_module_early(journey: Journey) -> None:
    """Anna reached module 3 (a trainer's exception stands in for modules 1 and 2 here)."""
    with journey.live.app.app_context():
        course = get_course("mentor-30h")
        anna = db.session.scalar(select(User).where(User.sub == ANNA))
        trainer = db.session.scalar(select(User).where(User.sub == "3"))
        assert anna is not None and trainer is not None
        grant_exception(trainer, anna.id, course, MODULE, "a browser journey starts at module 3")
        db.session.commit()


def test_a_live_session_is_scheduled_signed_up_for_attended_and_credited(
    journey: Journey,
) -> None:
    with journey.live.app.app_context():
        module = get_course("mentor-30h").module(MODULE)
        assert module is not None and module.live_sessions
        session = module.live_sessions[0]
    # Both launch once (so the tool knows them), and the trainer opens module 3 for Anna.
    journey.launch("eva", "home")
    journey.launch("anna", "home")
    _open_module_early(journey)

    # The trainer schedules a date.
    journey.launch("eva", "home")
    journey.click("Élő foglalkozások")
    journey.click("Időpont meghirdetése")
    tool = journey.tool
    tool.get_by_label("Dátum").fill((date.today() + timedelta(days=3)).isoformat())
    tool.get_by_label("Kezdés (budapesti idő)").fill("14:00")
    tool.get_by_label("Időtartam (perc)").fill(str(int(session.hours * 60)))
    tool.get_by_label("Helyszín (cím, terem)").fill("Pécs, Zipernowsky Technikum, 12-es terem")
    tool.get_by_label("Létszámkeret (fő)").fill("12")
    journey.click("Mentés", role="button", exact=True)
    assert "12-es terem" in journey.text()

    # Anna signs up.
    journey.launch("anna", "home")
    journey.click("Élő foglalkozások")
    journey.click("Jelentkezés", role="button", exact=True)
    journey.axe("live-signed-up")
    assert "Jelentkezését rögzítettük." in journey.text(), journey.text()[:800]

    # The trainer takes attendance on the register.
    journey.launch("eva", "home")
    journey.click("Élő foglalkozások")
    journey.click("Jelenlét rögzítése")
    journey.tool.get_by_text("Jelen volt", exact=True).first.click()
    journey.click("Jelenlét mentése", role="button")
    journey.axe("live-register")

    # Anna's progress page credits the workshop's hours.
    journey.launch("anna", "home")
    journey.click("Haladásom")
    hours = f"{session.hours:g}".replace(".", ",")
    assert f"Élő foglalkozások: {hours} / 8,5 óra" in journey.text(), journey.text()[:800]
