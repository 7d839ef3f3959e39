"""Rate limits that refuse attacks, not classrooms (issue 13 item 5, issue 14 item 15).

Good LTI traffic is never limited: a classroom behind one NAT address launches 80 times a minute.
Failures (refused logins and launches) are counted per address and per issuer; past the limit an
address gets 429 before any signature check, except for a launch whose state our login issued.
X-Forwarded-For only names the client behind a configured proxy (TRUSTED_PROXIES, default 0).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from lms_plugin.extensions import limiter
from lms_plugin.lti.http import mount_adapter
from tests.lti.launch_platform import LaunchPlatform
from tests.security.conftest import sibling_app
from tests.security.world import World

LIMIT = 3  # the limited_app fixture's "3 per minute" (verification)
SCHOOL_NAT = "198.51.100.7"
FAILURE_LIMIT = 30  # the default LTI_FAILURE_LIMIT, "30 per minute"


def _limited(app: Flask, tmp: Path, **overrides: Any) -> Iterator[Flask]:
    """A sibling app with rate limits on (the shared Limiter is switched back afterwards)."""
    was_enabled = limiter.enabled
    limited = sibling_app(
        app, tmp, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://", **overrides
    )
    with limited.app_context():
        limiter.reset()
    yield limited
    with limited.app_context():
        limiter.reset()
    limiter.enabled = was_enabled


@pytest.fixture
def guarded_app(app: Flask, tmp_path: Path) -> Iterator[Flask]:
    """The default limits, as `make run` and production have them."""
    yield from _limited(app, tmp_path)


@pytest.fixture
def school(guarded_app: Flask) -> Iterator[LaunchPlatform]:
    """A registered Moodle whose JWKS the guarded app reads through a transport adapter."""
    platform = LaunchPlatform()
    mount_adapter(guarded_app, platform.issuer + "/", platform)
    with guarded_app.app_context():
        platform.register()
    yield platform


def _browser(app: Flask, address: str = SCHOOL_NAT) -> FlaskClient:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def _bad_launch(client: FlaskClient, **headers: str) -> int:
    return client.post(
        "/lti/launch", data={"id_token": "x", "state": "forged"}, headers=headers
    ).status_code


def test_a_classroom_behind_one_address_is_never_refused(
    guarded_app: Flask, school: LaunchPlatform
) -> None:
    """40 trainees launch twice within a minute from one school NAT address: 80 of 80 let in."""
    statuses = []
    with guarded_app.app_context():
        for trainee in range(40):
            browser = _browser(guarded_app)
            for _ in range(2):
                response = school.launch(browser, follow=False, sub=str(5000 + trainee))
                statuses.append(response.status_code)
    assert statuses.count(302) == 80, statuses


def test_a_flood_of_bad_launches_is_refused_but_a_started_login_still_lands(
    guarded_app: Flask, school: LaunchPlatform
) -> None:
    with guarded_app.app_context():
        teacher = _browser(guarded_app)
        started = school.login(teacher)  # a login issued before the flood
        attacker = _browser(guarded_app)
        statuses = [_bad_launch(attacker) for _ in range(FAILURE_LIMIT + 10)]
        assert all(400 <= s < 429 for s in statuses[:FAILURE_LIMIT]), statuses
        assert statuses[FAILURE_LIMIT:] == [429] * 10
        refused = attacker.post(
            "/lti/launch", data={"id_token": "x"}, headers={"Accept-Language": "en"}
        )
        assert refused.status_code == 429 and refused.mimetype == "text/html"
        body = refused.get_data(as_text=True)
        assert "<h1>" in body and "Traceback" not in body and refused.headers["Retry-After"]
        # Logins from that address wait too; other addresses are not affected.
        assert (
            _browser(guarded_app)
            .get("/lti/login", query_string={"iss": school.issuer, "login_hint": "1"})
            .status_code
            == 429
        )
        assert _bad_launch(_browser(guarded_app, "203.0.113.50")) != 429
        # The teacher's launch, whose state our login issued, is still accepted.
        token = school.sign(school.claims(nonce=started.nonce))
        assert school.post_launch(teacher, token, started.state).status_code == 302


def test_forwarded_for_is_ignored_without_a_configured_proxy(guarded_app: Flask) -> None:
    """make run has no proxy: a flood cannot pick a new address per request."""
    client = _browser(guarded_app, "192.0.2.10")
    statuses = [
        _bad_launch(client, **{"X-Forwarded-For": f"203.0.113.{n}"})
        for n in range(FAILURE_LIMIT + 5)
    ]
    assert 429 in statuses


def test_the_limit_follows_the_real_client_behind_a_configured_proxy(
    app: Flask, tmp_path: Path
) -> None:
    """TRUSTED_PROXIES=1: X-Forwarded-For names the client; users behind one proxy are not one."""
    for proxied in _limited(app, tmp_path, TRUSTED_PROXIES=1):
        client = _browser(proxied, "10.0.0.1")
        statuses = [
            _bad_launch(client, **{"X-Forwarded-For": f"203.0.113.{n}"})
            for n in range(FAILURE_LIMIT + 5)
        ]
        assert 429 not in statuses
        same = [
            _bad_launch(client, **{"X-Forwarded-For": "203.0.113.200"})
            for _ in range(FAILURE_LIMIT + 1)
        ]
        assert same[-1] == 429


def test_verification_is_limited_per_address(limited_app: Flask, world: World) -> None:
    code = world.ids["anna_code"]
    client = limited_app.test_client()

    def hammer(ip: str) -> list[int]:
        return [
            client.get(
                f"/verify/{code}",
                base_url="https://tool.test",
                environ_overrides={"REMOTE_ADDR": ip},
            ).status_code
            for _ in range(LIMIT + 2)
        ]

    statuses = hammer("198.51.100.3")
    assert statuses[:LIMIT] == [200] * LIMIT and statuses[LIMIT:] == [429, 429]
    # Another address is not affected: the limit is per client, not global.
    assert hammer("198.51.100.4")[0] == 200
