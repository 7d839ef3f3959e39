"""CSRF: with the protection on (as deployed), every POST without a token is refused with 400,
except the documented protocol endpoints (tests/security/policy.py CSRF_EXEMPT)."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

import pytest
from flask import Flask

from tests.security.policy import CSRF_EXEMPT, POLICY
from tests.security.test_authorization_matrix import WRITE_METHODS, build_url, routes
from tests.security.world import World


def _visitor_for(endpoint: str) -> str:
    rule = POLICY[endpoint]
    if rule.kind == "roles":
        for visitor in ("trainer", "coordinator", "admin", "trainee"):
            if visitor in rule.allowed:
                return visitor
    return "trainee"


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@pytest.fixture
def csrf_log() -> Iterator[_Records]:
    """The app's own record of CSRF refusals (the page itself is in the visitor's language)."""
    handler = _Records()
    logger = logging.getLogger("lms_plugin.errors")
    was_disabled = logger.disabled  # Alembic's fileConfig disables loggers that exist before it
    logger.disabled = False
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)
    logger.disabled = was_disabled


def test_every_post_route_needs_a_csrf_token(
    csrf_app: Flask, world: World, csrf_log: _Records
) -> None:
    problems: list[str] = []
    exempt_seen: set[str] = set()
    for rule, method in routes(csrf_app):
        if method not in WRITE_METHODS:
            continue
        url = build_url(csrf_app, rule, POLICY[rule.endpoint], world)
        client = world.client(csrf_app, _visitor_for(rule.endpoint))
        for kind, kwargs in (
            ("form", {"data": {"anything": "x"}}),
            ("json", {"json": {"anything": "x"}}),
        ):
            csrf_log.messages.clear()
            response = client.open(url, method=method, base_url="https://tool.test", **kwargs)
            refused = response.status_code == 400 and "csrf rejected" in csrf_log.messages
            if rule.endpoint in CSRF_EXEMPT:
                exempt_seen.add(rule.endpoint)
                if refused:
                    problems.append(f"{method} {url}: documented as exempt but refused")
            elif not refused:
                problems.append(
                    f"{method} {url} ({kind}) without a token -> {response.status_code}"
                )
    assert not problems, "\n".join(problems)
    assert exempt_seen == set(CSRF_EXEMPT), "every documented exemption is a real POST route"


def test_a_real_token_from_the_page_is_accepted(csrf_app: Flask, world: World) -> None:
    client = world.client(csrf_app, "trainee")
    page = client.get("/progress/", base_url="https://tool.test").get_data(as_text=True)
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page) or re.search(
        r'name="csrf-token" content="([^"]+)"', page
    )
    assert token, "pages carry a CSRF token"
    refused = client.post("/language", data={"lang": "en"}, base_url="https://tool.test")
    assert refused.status_code == 400
    accepted = client.post(
        "/language", data={"lang": "en", "csrf_token": token.group(1)}, base_url="https://tool.test"
    )
    assert accepted.status_code == 302
    beat = client.post(
        "/progress/heartbeat",
        json={"module_id": world.ids["module_id"], "visible": True, "idle": False},
        headers={"X-CSRFToken": token.group(1)},
        base_url="https://tool.test",
    )
    assert beat.status_code == 200, beat.get_data(as_text=True)
