"""Rate limits on the doors anyone can knock on: /lti/login, /lti/launch and /verify/*."""

from __future__ import annotations

from flask import Flask

from tests.security.world import World

LIMIT = 3  # the limited_app fixture's "3 per minute"


def _hammer(app: Flask, method: str, path: str, ip: str, **kwargs: object) -> list[int]:
    client = app.test_client()
    return [
        client.open(
            path,
            method=method,
            base_url="https://tool.test",
            environ_overrides={"REMOTE_ADDR": ip},
            **kwargs,  # type: ignore[arg-type]
        ).status_code
        for _ in range(LIMIT + 2)
    ]


def test_lti_login_and_launch_answer_429_with_a_friendly_page(
    limited_app: Flask, world: World
) -> None:
    login = _hammer(limited_app, "GET", "/lti/login?iss=x&login_hint=1", "198.51.100.1")
    assert all(s < 429 for s in login[:LIMIT]) and login[LIMIT:] == [429, 429]
    launch = _hammer(limited_app, "POST", "/lti/launch", "198.51.100.2", data={"id_token": "x"})
    assert all(s < 429 for s in launch[:LIMIT]) and launch[LIMIT:] == [429, 429]
    page = limited_app.test_client().get(
        "/lti/login?iss=x&login_hint=1",
        base_url="https://tool.test",
        environ_overrides={"REMOTE_ADDR": "198.51.100.1"},
        headers={"Accept-Language": "en"},
    )
    assert page.status_code == 429 and page.mimetype == "text/html"
    body = page.get_data(as_text=True)
    assert "<html" in body and "Traceback" not in body and "<h1>" in body
    assert "Retry-After" in page.headers or "X-RateLimit-Reset" in page.headers


def test_verification_is_limited_per_address(limited_app: Flask, world: World) -> None:
    code = world.ids["anna_code"]
    statuses = _hammer(limited_app, "GET", f"/verify/{code}", "198.51.100.3")
    assert statuses[:LIMIT] == [200] * LIMIT and statuses[LIMIT:] == [429, 429]
    # Another address is not affected: the limit is per client, not global.
    assert _hammer(limited_app, "GET", f"/verify/{code}", "198.51.100.4")[0] == 200


def test_the_limit_follows_the_real_client_behind_the_proxy(
    limited_app: Flask, world: World
) -> None:
    """TRUSTED_PROXIES=1: X-Forwarded-For names the client; users behind one proxy are not one."""
    client = limited_app.test_client()
    statuses = [
        client.get(
            "/lti/login?iss=x&login_hint=1",
            base_url="https://tool.test",
            headers={"X-Forwarded-For": f"203.0.113.{n}"},
            environ_overrides={"REMOTE_ADDR": "10.0.0.1"},
        ).status_code
        for n in range(LIMIT + 3)
    ]
    assert 429 not in statuses
