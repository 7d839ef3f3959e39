"""In real Chromium at phone width a lesson never scrolls sideways; tables scroll in a box."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from playwright.sync_api import Page, Route, sync_playwright

from lms_plugin.accounts.models import Role
from lms_plugin.courses.content import Course, get_course
from lms_plugin.db import db
from tests.conftest import Factory, login

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def phone(client: FlaskClient) -> Iterator[Page]:
    """A 360 px wide page whose requests to https://tool.test are answered by the test client."""

    def answer(route: Route) -> None:
        url = urlsplit(route.request.url)
        response = client.get(url.path + (f"?{url.query}" if url.query else ""))
        route.fulfill(
            status=response.status_code,
            headers={k: v for k, v in response.headers.items() if k.lower() != "content-length"},
            body=response.get_data(),
        )

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 360, "height": 740})
        page.route("https://tool.test/**", answer)
        yield page
        browser.close()


@pytest.mark.browser
def test_lesson_fits_a_phone_and_prints_without_navigation(
    client: FlaskClient, make: Factory, tiny: Course, phone: Page
) -> None:
    context = make.context()
    user = make.user(context, Role.TRAINEE)
    db.session.commit()  # the browser's requests run outside this test's app context
    login(client, user, Role.TRAINEE, context)
    phone.goto("https://tool.test/course/basics/lessons/second")
    assert phone.locator("h1").inner_text() == "Második lecke"
    page_width = phone.evaluate("document.documentElement.scrollWidth")
    assert page_width <= 360
    box = phone.locator(".table-scroll")
    assert box.evaluate("el => el.scrollWidth > el.clientWidth")  # the table scrolls in its box
    assert phone.locator(".lesson-body img").evaluate("img => img.naturalWidth") == 1
    phone.emulate_media(media="print")
    assert not phone.locator("form[data-once]").is_visible()
    assert not phone.locator(".lesson-nav").is_visible()
    assert phone.locator(".lesson-body").is_visible()


def _could_overflow(markdown: str) -> bool:
    """Tables, pictures and long unbroken words (URLs) are what can widen a page."""
    return "|---" in markdown or "![" in markdown or any(len(w) > 25 for w in markdown.split())


@pytest.mark.browser
def test_every_lesson_of_the_real_course_fits_a_phone(
    app: Flask, client: FlaskClient, make: Factory, phone: Page
) -> None:
    context = make.context()
    trainer = make.user(context, Role.TRAINER)  # trainers may open every module
    db.session.commit()
    login(client, trainer, Role.TRAINER, context)
    course = get_course("mentor-30h")
    too_wide = []
    for lang in course.languages:
        with client.session_transaction() as sess:
            sess["lang"] = lang
        for lesson in course.lessons:
            if not _could_overflow(lesson.body[lang]):
                continue
            phone.goto(f"https://tool.test/course/{lesson.module_id}/lessons/{lesson.id}")
            width = phone.evaluate("document.documentElement.scrollWidth")
            if phone.locator("article.lesson").count() != 1 or width > 360:
                too_wide.append((lang, lesson.id, width))
    assert too_wide == []
