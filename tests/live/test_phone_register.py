"""At 360 px in Chromium the register fits, its choices are big tap targets, and saving works."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from flask.testing import FlaskClient
from playwright.sync_api import Page, Route, sync_playwright
from sqlalchemy import select

from lms_plugin.accounts.models import Role
from lms_plugin.db import db
from lms_plugin.live import services
from lms_plugin.live.models import LiveMark
from tests.conftest import login
from tests.courses.test_phone_layout import CHROMIUM_ARGS
from tests.live.conftest import People, make_occurrence


@pytest.fixture
def phone(client: FlaskClient) -> Iterator[Page]:
    """A 360 px page whose requests to https://tool.test go to the test client (GET and POST)."""

    def answer(route: Route) -> None:
        request = route.request
        url = urlsplit(request.url)
        path = url.path + (f"?{url.query}" if url.query else "")
        response = client.open(
            path,
            method=request.method,
            data=request.post_data_buffer,
            headers={"Content-Type": request.headers.get("content-type", "")},
        )
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
def test_the_register_fits_a_phone_and_takes_attendance_by_tapping(
    client: FlaskClient, people: People, phone: Page
) -> None:
    occurrence = make_occurrence(people)
    for person in (people.anna, people.bela):
        services.sign_up(person.id, occurrence)
    db.session.commit()
    login(client, people.trainer, Role.TRAINER, people.context, lang="hu")
    phone.goto(f"https://tool.test/live/dates/{occurrence.id}/register")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    choices = phone.locator(".live-choice")
    assert choices.count() == 8
    for index in range(choices.count()):
        box = choices.nth(index).bounding_box()
        assert box is not None and box["height"] >= 44 and box["width"] >= 44, box
    phone.get_by_text("Késett").first.click()
    phone.get_by_label("Megjegyzés (nem kötelező)").first.fill("10 perc")
    phone.get_by_text("Hiányzott", exact=True).nth(1).click()
    phone.get_by_role("button", name="Jelenlét mentése").click()
    phone.wait_for_load_state()
    assert "A jelenlétet mentette (2 módosítás)." in phone.inner_text("main")
    db.session.expire_all()
    marks = {m.user_id: (m.status, m.note) for m in db.session.scalars(select(LiveMark)).all()}
    assert marks == {people.anna.id: ("late", "10 perc"), people.bela.id: ("absent", "")}
