"""A trainee who clicks through a lesson without its minimum active time gets no hours, sees how
long remains, and the page unlocks "Mark as complete" by itself once the heartbeats reach it."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from lms_plugin.courses.content import get_course
from tests.browser import seeding
from tests.browser.journey import Journey
from tests.browser.live_server import LiveServer

PETER = "5"  # the practice roster's second trainee


@pytest.fixture(scope="module")
def mentor_course(live: LiveServer) -> Any:
    with live.app.app_context():
        return get_course("mentor-30h")


def test_clicking_through_a_lesson_too_fast_gives_no_hours_and_shows_the_time_left(
    journey: Journey, mentor_course: Any
) -> None:
    module = mentor_course.core_modules[0]
    lesson = module.lessons[0]
    journey.launch("peter", f"module:{module.id}")
    journey.click(lesson.title["hu"])
    assert journey.heading() == lesson.title["hu"]
    left = journey.tool.locator("[data-time-left]")
    assert "perc aktív olvasás van hátra" in left.inner_text()
    button = journey.tool.get_by_role("button", name="Teljesítettnek jelölöm")
    expect(button).to_be_disabled()
    journey.shoot("lesson-time-left")

    # Sending the form anyway (a script, an old tab) is refused with the time left, no hours.
    journey.frame().evaluate("document.querySelector('form[data-once]').submit()")
    journey.wait_for_tool()
    assert "Ezt a leckét még nem lehet teljesítettnek jelölni." in journey.text()
    journey.click("Haladásom")
    assert "30 órából 0 óra teljesítve" in journey.text(), journey.text()[:600]

    # Back on the lesson: 20 seconds short of the minimum; the next heartbeat (30 s) meets it and
    # the page enables the button without a reload.
    journey.click("Kezdőlap")
    journey.click(f"Folytatás: {lesson.title['hu']}")
    seeding.spend_lesson_time(journey.live.app, PETER, [lesson.id], short_by=20)
    expect(button).to_be_enabled(timeout=70_000)
    expect(left).to_be_hidden()
    with journey.frame().expect_navigation():
        button.click()
    journey.wait_for_tool()
    assert "A lecke teljesítettnek jelölve." in journey.text()
