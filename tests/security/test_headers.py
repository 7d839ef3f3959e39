"""Security headers and cookies as a browser inside Moodle's iframe sees them."""

from __future__ import annotations

import pytest
from flask import Flask

from tests.security.world import World

PRIVATE_PAGES = ("/progress/", "/certificate", "/grading/my", "/course/")


def _csp(response_headers: object) -> dict[str, str]:
    value = response_headers["Content-Security-Policy"]  # type: ignore[index]
    return {
        part.split(" ", 1)[0]: part.split(" ", 1)[1] if " " in part else ""
        for part in (p.strip() for p in value.split(";"))
        if part
    }


def test_csp_lets_only_registered_platforms_frame_the_tool(app: Flask, world: World) -> None:
    client = world.client(app, "trainee")
    response = client.get("/progress/", base_url="https://tool.test")
    csp = _csp(response.headers)
    ancestors = csp["frame-ancestors"].split()
    assert "'self'" in ancestors and "https://moodle.sec.test" in ancestors
    assert "*" not in ancestors and "https:" not in ancestors
    assert csp["script-src"] == "'self'" and "'unsafe-inline'" not in csp["style-src"]
    assert csp["object-src"] == "'none'"
    assert "X-Frame-Options" not in response.headers  # it would forbid Moodle's iframe


def test_private_pages_are_never_cached_and_never_sniffed(app: Flask, world: World) -> None:
    for visitor, path in [("trainee", p) for p in PRIVATE_PAGES] + [
        ("coordinator", "/certificates")
    ]:
        response = world.client(app, visitor).get(path, base_url="https://tool.test")
        assert response.status_code == 200, path
        assert "no-store" in response.headers["Cache-Control"], path
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    download = world.client(app, "trainee").get(
        f"/grading/files/{world.ids['anna_file']}", base_url="https://tool.test"
    )
    assert "no-store" in download.headers["Cache-Control"]
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in download.headers["Content-Disposition"]


def test_hsts_and_iframe_cookies_behind_a_tls_proxy(
    app: Flask, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Behind a TLS proxy (ProxyFix, TRUSTED_PROXIES=1): plain HTTP plus X-Forwarded-Proto."""
    from werkzeug.middleware.proxy_fix import ProxyFix

    # What create_app wires with TRUSTED_PROXIES=1 (the default, 0, ignores X-Forwarded-*).
    monkeypatch.setattr(app, "wsgi_app", ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1))
    client = app.test_client()  # http:// on the wire, https at the proxy
    response = client.get(
        "/lti/login",
        query_string={
            "iss": "https://moodle.sec.test",
            "login_hint": "1",
            "client_id": "sec-client",
            "target_link_uri": "https://tool.test/lti/launch",
        },
        headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"},
        base_url="http://tool.test",
    )
    assert response.status_code < 500
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    cookies = response.headers.getlist("Set-Cookie")
    assert cookies, "the login sets its state cookie"
    for cookie in cookies:
        attributes = {a.strip().split("=")[0].lower(): a for a in cookie.split(";")[1:]}
        assert "secure" in attributes and "partitioned" in attributes, cookie
        assert attributes["samesite"].strip().lower() == "samesite=none", cookie
    session = world.client(app, "trainee")
    session.environ_base["wsgi.url_scheme"] = "http"
    page = session.get(
        "/progress/", headers={"X-Forwarded-Proto": "https"}, base_url="http://tool.test"
    )
    assert page.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_no_hsts_and_no_secure_cookies_over_plain_http(app: Flask, world: World) -> None:
    """A developer's laptop on http://127.0.0.1: no HSTS (it would stick), Lax cookies."""
    response = app.test_client().post("/language", data={"lang": "en"}, base_url="http://tool.test")
    assert "Strict-Transport-Security" not in response.headers
    for cookie in response.headers.getlist("Set-Cookie"):
        assert "Secure" not in cookie and "SameSite=Lax" in cookie


def test_session_cookie_is_http_only(app: Flask) -> None:
    response = app.test_client().post(
        "/language", data={"lang": "en"}, base_url="https://tool.test"
    )
    [cookie] = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("lms_session=")]
    assert "HttpOnly" in cookie and "Secure" in cookie and "Partitioned" in cookie
