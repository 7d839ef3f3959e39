"""The tool against an independent LTI platform (the practice LMS, on lti1p3platform)."""

from __future__ import annotations

import re
from html import unescape

from flask import Flask

from lms_plugin.accounts.current import SESSION_KEY
from tests.practice_platform import PracticeLms, launch_as, practice_lms  # noqa: F401


def test_trainee_launch_from_the_practice_lms(app: Flask, practice_lms: PracticeLms) -> None:  # noqa: F811
    browser = app.test_client()
    response = launch_as(browser, "anna", locale="en")
    assert response.status_code == 200
    with browser.session_transaction() as sess:
        assert sess[SESSION_KEY]["role"] == "trainee"


def test_moodle_admin_of_the_practice_lms_is_admin(app: Flask, practice_lms: PracticeLms) -> None:  # noqa: F811
    browser = app.test_client()
    assert launch_as(browser, "zsuzsa", locale="en").status_code == 200
    with browser.session_transaction() as sess:
        assert sess[SESSION_KEY]["role"] == "admin"


def test_deep_linking_round_trip_is_accepted_by_the_platform(
    app: Flask,
    practice_lms: PracticeLms,  # noqa: F811
) -> None:
    browser = app.test_client()
    picker = launch_as(browser, "eva", locale="en", deep_link=True)
    assert picker.status_code == 200
    assert 'value="module:wellbeing"' in picker.get_data(as_text=True)
    answer = browser.post("/lti/deep-link", data={"target": ["module:wellbeing", "cohort"]})
    assert answer.status_code == 200
    page = answer.get_data(as_text=True)
    form = re.search(r'<form method="post" action="([^"]+)" id="lti-deep-link-return"', page)
    token = re.search(r'name="JWT" value="([^"]+)"', page)
    assert form and token
    action = unescape(form.group(1))
    assert action.endswith("/practice/deep-link-return")
    returned = browser.post(action, data={"JWT": token.group(1)})
    assert returned.status_code == 200, returned.get_data(as_text=True)[:2000]
    assert practice_lms.link_id("module:wellbeing") is not None
    assert practice_lms.link_id("cohort") is not None
