"""Real-browser journeys: Debian's Chromium driven by playwright, the tool served live over HTTPS.

The journeys FAIL (never skip) when Chromium or axe-core is missing, with the command that
installs them: `bash scripts/services.sh` (Chromium) and `npm install` / `make install` (axe-core).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask_migrate import upgrade
from playwright.sync_api import Browser, Playwright, sync_playwright

from lms_plugin.i18n import compile_catalogs
from lms_plugin.lti import keys
from lms_plugin.practice.setup import register_practice_platform
from tests.browser.journey import AXE_SCRIPT, Journey
from tests.browser.live_server import LiveServer, free_port, make_certificate, start
from tests.conftest import MIGRATIONS, make_test_app

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--ignore-certificate-errors",  # the live server's certificate is self-signed
    # Like current browsers: only Partitioned cookies work inside a cross-site frame.
    "--test-third-party-cookie-phaseout",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Everything in tests/browser carries the `browser` marker."""
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The app on https://127.0.0.1:PORT (practice LMS) and https://localhost:PORT (the tool).

    One per test module, each with a database of its own: the journeys of one module tell one
    story in order; another module's trainees, submissions and exceptions never leak into it."""
    folder = tmp_path_factory.mktemp("live")
    cert, key = make_certificate(folder)
    port = free_port()
    previous = os.environ.get("REQUESTS_CA_BUNDLE")
    # The tool fetches the platform's keys and posts scores over HTTPS to itself: trust our cert.
    os.environ["REQUESTS_CA_BUNDLE"] = str(cert)
    app = make_test_app(
        folder / "instance",
        SERVER_NAME=None,
        # Always a SQLite file of its own: the live server must not share the suite's database.
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder / 'live.sqlite'}",
        WTF_CSRF_ENABLED=True,
        PRACTICE_ISSUER=f"https://127.0.0.1:{port}/practice",
        PRACTICE_TOOL_URL=f"https://localhost:{port}",
    )
    with app.app_context():
        compile_catalogs()
        keys.ensure_key()
        upgrade(directory=MIGRATIONS)
        register_practice_platform()
    server = start(app, port, cert, key)
    try:
        yield server
    finally:
        server.stop()
        if previous is None:
            os.environ.pop("REQUESTS_CA_BUNDLE", None)
        else:
            os.environ["REQUESTS_CA_BUNDLE"] = previous


@pytest.fixture(scope="module")
def playwright_session() -> Iterator[Playwright]:
    # Module scope: playwright's sync API runs an event loop, and other modules' browser tests
    # start their own; two at once fail ("Sync API inside the asyncio loop").
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="module")
def browser(playwright_session: Playwright) -> Iterator[Browser]:
    """Debian's Chromium; a clear failure when it is not installed."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"Chromium is not installed at {CHROMIUM}. Run `bash scripts/services.sh` "
            "(it installs Chromium, PostgreSQL, Redis and Node) and run the tests again."
        )
    if not AXE_SCRIPT.exists():
        pytest.fail(
            f"axe-core is missing ({AXE_SCRIPT}). Run `make install` (or `npm install --no-audit "
            "--no-fund`) to install the accessibility checker, and run the tests again."
        )
    chromium = playwright_session.chromium.launch(
        executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
    )
    yield chromium
    chromium.close()


@pytest.fixture
def journey(
    browser: Browser, live: LiveServer, request: pytest.FixtureRequest
) -> Iterator[Journey]:
    """A fresh browser profile (no cookies) at desktop size; screenshots named after the test."""
    context = browser.new_context(
        ignore_https_errors=True, viewport={"width": 1280, "height": 900}, locale="hu-HU"
    )
    trip = Journey(context, live, request.node.name)
    try:
        yield trip
    finally:
        trip.finish()
        context.close()


@pytest.fixture
def phone(browser: Browser, live: LiveServer, request: pytest.FixtureRequest) -> Iterator[Journey]:
    """A phone-sized profile: 360 × 740 CSS pixels, touch."""
    context = browser.new_context(
        ignore_https_errors=True,
        viewport={"width": 360, "height": 740},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="hu-HU",
    )
    trip = Journey(context, live, request.node.name)
    try:
        yield trip
    finally:
        trip.finish()
        context.close()
