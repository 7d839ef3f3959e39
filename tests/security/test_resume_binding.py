"""Issue 14 item 9 and part of 15: a resume link is bound to the browser that launched, never
silently swaps a signed-in browser into someone else's session, and never appears in the logs."""

from __future__ import annotations

import io
import logging

from flask import Flask
from flask.testing import FlaskClient

from lms_plugin.accounts.current import SESSION_KEY
from lms_plugin.accounts.models import Role, User
from lms_plugin.db import db
from lms_plugin.logging_setup import JsonFormatter
from tests.conftest import Factory, login
from tests.lti.conftest import english, moodle, tool  # noqa: F401 - fixtures
from tests.lti.launch_platform import LaunchPlatform


def _attackers_resume_link(app: Flask, moodle: LaunchPlatform) -> str:  # noqa: F811
    """The attacker launches as themself and keeps the resume link instead of using it."""
    attacker = app.test_client()
    launched = moodle.launch(attacker, follow=False, sub="666", name="Mallory Attacker")
    assert launched.status_code == 302
    return str(launched.headers["Location"]).replace("/lti/continue/", "/lti/resume/")


def _signed_in_user(client: FlaskClient) -> str | None:
    with client.session_transaction() as sess:
        return sess.get("_user_id") if sess.get(SESSION_KEY) else None


def test_a_resume_link_does_not_swap_a_signed_in_browser_into_another_session(
    app: Flask,
    moodle: LaunchPlatform,  # noqa: F811
    make: Factory,
) -> None:
    victim = make.user(make.context(), Role.TRAINEE, name="Victim Vera")
    db.session.commit()
    browser = app.test_client()
    english(browser)
    login(browser, victim, Role.TRAINEE)
    link = _attackers_resume_link(app, moodle)
    page = browser.get(link)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "You are signed in as Victim Vera" in text and "Mallory Attacker" in text
    assert _signed_in_user(browser) == str(victim.id)  # nothing changed without an answer


def test_a_resume_link_in_a_browser_that_did_not_launch_asks_first(
    app: Flask,
    moodle: LaunchPlatform,  # noqa: F811
) -> None:
    link = _attackers_resume_link(app, moodle)
    stranger = app.test_client()
    english(stranger)
    page = stranger.get(link)
    assert page.status_code == 200 and "Continue as Mallory Attacker" in page.get_data(as_text=True)
    assert _signed_in_user(stranger) is None


def test_the_launching_browser_resumes_at_once(
    app: Flask,
    tool: FlaskClient,  # noqa: F811
    moodle: LaunchPlatform,  # noqa: F811
) -> None:
    launched = moodle.launch(tool, follow=False)
    cookies = launched.headers.getlist("Set-Cookie")
    nonce = [c for c in cookies if c.startswith("lms_launch=")]
    assert nonce and all(
        a in nonce[0] for a in ("HttpOnly", "Secure", "SameSite=None", "Partitioned")
    )
    token_url = str(launched.headers["Location"]).replace("/lti/continue/", "/lti/resume/")
    with tool.session_transaction() as sess:
        sess.clear()  # the session cookie was refused; the nonce cookie is what proves the browser
    resumed = tool.get(token_url)
    assert resumed.status_code == 302 and resumed.headers["Location"] == "/"
    user = db.session.query(User).one()
    assert _signed_in_user(tool) == str(user.id)


def test_resume_and_continue_tokens_never_reach_the_logs(
    app: Flask,
    tool: FlaskClient,  # noqa: F811
    moodle: LaunchPlatform,  # noqa: F811
) -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())  # the production format, with every extra field
    loggers = [logging.getLogger("lms_plugin"), logging.getLogger("werkzeug")]
    for logger in loggers:
        logger.addHandler(handler)
    try:
        launched = moodle.launch(tool, follow=False)
        token = str(launched.headers["Location"]).rsplit("/", 1)[-1]
        app.test_client().get(f"/lti/continue/{token}")
        app.test_client().get(f"/lti/resume/{token}")
        app.test_client().get("/lti/resume/not-a-token-but-secret-looking")
        # The development server's request line goes through the werkzeug logger.
        logging.getLogger("werkzeug").info(
            '"%s" %s %s', f"GET /lti/resume/{token} HTTP/1.1", 200, "-"
        )
    finally:
        for logger in loggers:
            logger.removeHandler(handler)
    logged = stream.getvalue()
    assert "/lti/resume/[redacted]" in logged
    assert token not in logged and "secret-looking" not in logged
