"""A practicum journal in a real browser: a trainee writes two dated entries and submits the
journal; the trainer grades it with the rubric (a must-pass criterion at 0 gives "needs
revision") and releases it; the trainee sees what to revise and can write again."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from lms_plugin.accounts.models import User
from lms_plugin.courses.content import get_course, reload_courses
from lms_plugin.courses.models import AvailabilityException
from lms_plugin.db import db
from tests.browser.journey import Journey
from tests.browser.live_server import LiveServer

PETER = "5"  # the practice roster's second trainee
MODULE = "wellbeing"  # a module the practice course has an activity for
JOURNAL = """\
id: browser-journal
title: {hu: "Gyakorlati napló", en: "Practicum journal"}
brief:
  hu: "Tarts két foglalkozást a saját segítőiddel, és írd le mindkettőt."
  en: "Run two sessions with your own helpers and write up each."
min_entries: 2
entry_prompts:
  - {hu: "Mit terveztél?", en: "What did you plan?"}
  - {hu: "Mit tanultál belőle?", en: "What did you learn?"}
points: 10
pass_mark: 6
rubric:
  - id: reflection
    title: {hu: "Reflexió", en: "Reflection"}
    must_pass: true
    levels:
      - {points: 0, title: {hu: "Hiányzik", en: "Missing"}, descriptor: {hu: "Nincs.", en: "None."}}
      - {points: 6, title: {hu: "Alapos", en: "Thorough"}, descriptor: {hu: "Jó.", en: "Good."}}
  - id: sessions
    title: {hu: "Foglalkozások", en: "Sessions"}
    levels:
      - {points: 1, title: {hu: "Vázlatos", en: "Sketchy"}, descriptor: {hu: "Kevés.", en: "Few."}}
      - {points: 4, title: {hu: "Részletes", en: "Detailed"}, descriptor: {hu: "Sok.", en: "Many."}}
"""


@pytest.fixture(scope="module")
def journal_module(live: LiveServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The mentor course with a journal in its wellbeing module (restored afterwards)."""
    app = live.app
    before = app.config["COURSES_DIR"]
    folder = tmp_path_factory.mktemp("journal-courses") / "courses"
    shutil.copytree(before, folder)
    with app.app_context():
        module = get_course("mentor-30h").module(MODULE)
        assert module is not None
        (
            Path(module.folder.replace(str(Path(before).resolve()), str(folder))) / "journal.yaml"
        ).write_text(JOURNAL, encoding="utf-8")
        app.config["COURSES_DIR"] = str(folder)
        reload_courses()
        found = get_course("mentor-30h").module(module.id)
        assert found is not None and found.journal is not None
    yield found
    with app.app_context():
        app.config["COURSES_DIR"] = before
        reload_courses()


def _open_for_peter(live: LiveServer, module_id: str) -> None:
    with live.app.app_context():
        peter = db.session.scalar(select(User).where(User.sub == PETER))
        assert peter is not None
        db.session.add(
            AvailabilityException(
                user_id=peter.id, course_id="mentor-30h", module_id=module_id, reason="journey"
            )
        )
        db.session.commit()


def test_a_journal_is_written_over_two_dated_entries_submitted_and_graded(
    journey: Journey, journal_module: Any
) -> None:
    journey.launch("peter", "home")
    _open_for_peter(journey.live, journal_module.id)
    journey.launch("peter", f"module:{journal_module.id}")
    journey.click("A napló megnyitása")
    assert journey.heading().startswith("Gyakorlati napló")
    tool = journey.tool
    for days, plan, learnt in (
        (10, "Ismerkedés, csoportszabályok", "A bizalomhoz idő kell."),
        (3, "Aktív hallgatás párban", "A csend is segít."),
    ):
        tool.locator("#entry-date").fill((date.today() - timedelta(days=days)).isoformat())
        tool.locator("#answer-0").fill(plan)
        tool.locator("#answer-1").fill(learnt)
        journey.click("A bejegyzés mentése", role="button")
        assert "A bejegyzést elmentettük a naplójába." in journey.text()
    assert "2 dátummal ellátott bejegyzés" in journey.text()
    journey.shoot("journal-two-entries")
    journey.axe("journal")
    journey.click("A napló beadása értékelésre", role="button")
    assert "A naplóját beadta." in journey.text()

    journey.launch("eva", "grading")
    journey.tool.get_by_role("row", name="Szabó Péter").get_by_role("link").first.click()
    journey.wait_for_tool()
    text = journey.text()
    assert "Ismerkedés, csoportszabályok" in text and "Aktív hallgatás párban" in text
    journey.tool.locator("#l-reflection-0").check()
    journey.tool.locator("#l-sessions-1").check()
    journey.tool.locator("#o-needs_revision").check()
    journey.click("Mentés és késznek jelölés", role="button")
    journey.click("Közzététel…")
    journey.tool.locator("form[action$='/grading/release'] button[type=submit]").click()
    journey.wait_for_tool()

    journey.launch("peter", f"module:{journal_module.id}")
    journey.click("A napló megnyitása")
    text = journey.text()
    assert "Átdolgozandó" in text or "átdolgoz" in text.lower(), text[:800]
    assert "Reflexió" in text
    # the journal is open again for a new entry
    assert journey.tool.locator("#entry-date").count() == 1
    journey.shoot("journal-needs-revision")
