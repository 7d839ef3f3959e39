"""Issue 14 items 2-4: outbound calls go only to the platform's own origins, over HTTPS, to public
addresses, follow no redirects, read bounded answers, and never echo answer bodies; the client
assertion's audience and token URL come only from the platform's trusted configuration."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import jwt
import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict
from sqlalchemy import select

from lms_plugin.db import db
from lms_plugin.lti import platform_keys
from lms_plugin.lti.http import EXTENSION, OutboundRefused, mount_adapter, outbound_request
from lms_plugin.lti.models import Platform
from lms_plugin.lti.tokens import (
    SCOPE_NRPS,
    SCOPE_SCORE,
    ServiceError,
    access_token,
    client_assertion,
    service_request,
)
from lms_plugin.lti.validation import LaunchRejected
from tests.lti.conftest import english, moodle, tool  # noqa: F401 - fixtures
from tests.lti.launch_platform import LaunchPlatform
from tests.lti.service_fixtures import register_stub_platform, stub  # noqa: F401 - fixtures
from tests.lti.stub_platform import BASE, StubPlatform

EVIL = "https://evil.test"
SECRET_BODY = "SECRET-BODY-FROM-THE-PLATFORM"


class Recorder(BaseAdapter):
    """A server that records every request it gets and answers what it is told to."""

    def __init__(
        self, status: int = 200, body: bytes = b"{}", headers: dict[str, str] | None = None
    ):
        super().__init__()
        self.status, self.body, self.headers = status, body, headers or {}
        self.seen: list[tuple[str, str, dict[str, str]]] = []

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        self.seen.append((str(request.method), str(request.url), dict(request.headers)))
        response = requests.Response()
        response.status_code = self.status
        response._content = self.body
        response.headers = CaseInsensitiveDict({"Content-Type": "application/json", **self.headers})
        response.url = str(request.url)
        response.request = request
        return response

    def close(self) -> None:
        return None


@pytest.fixture
def evil(app_ctx: Flask) -> Iterator[Recorder]:
    recorder = Recorder()
    mount_adapter(app_ctx, EVIL + "/", recorder)
    yield recorder
    app_ctx.extensions.get(EXTENSION, {}).pop(EVIL + "/", None)


def test_service_urls_from_a_launch_are_called_only_on_the_platforms_origin(
    stub: StubPlatform,  # noqa: F811
    evil: Recorder,
) -> None:
    """A launch's lineitem / memberships URL pointing elsewhere never receives the bearer token."""
    platform = register_stub_platform()
    with pytest.raises(ServiceError) as err:
        service_request(platform, "GET", f"{EVIL}/memberships", [SCOPE_NRPS])
    assert not err.value.retryable and "not the platform's own site" in err.value.reason
    assert evil.seen == []
    # The platform's own URL is called as before.
    assert service_request(platform, "GET", f"{BASE}/memberships", [SCOPE_NRPS]).status_code == 200


def test_answer_bodies_are_never_echoed_in_errors(
    stub: StubPlatform,  # noqa: F811
    app_ctx: Flask,
) -> None:
    platform = register_stub_platform()
    platform.auth_token_url = f"{BASE}/broken-token"
    broken = Recorder(status=500, body=f"<html>{SECRET_BODY}</html>".encode())
    mount_adapter(app_ctx, f"{BASE}/broken-token", broken)
    try:
        with pytest.raises(ServiceError) as err:
            access_token(platform, [SCOPE_SCORE])
        assert "500" in err.value.reason and SECRET_BODY not in err.value.reason
        broken.status, broken.body = 400, json.dumps({"error_description": SECRET_BODY}).encode()
        with pytest.raises(ServiceError) as err:
            access_token(platform, [SCOPE_SCORE])
        assert "400" in err.value.reason and SECRET_BODY not in err.value.reason
    finally:
        app_ctx.extensions[EXTENSION].pop(f"{BASE}/broken-token", None)


def test_redirects_are_not_followed(
    app_ctx: Flask,
    evil: Recorder,
) -> None:
    """A platform URL that redirects elsewhere (even after an origin check) is not followed."""
    hop = Recorder(status=302, headers={"Location": f"{EVIL}/steal"})
    mount_adapter(app_ctx, "https://moodle.hop/", hop)
    try:
        response = outbound_request(
            "GET", "https://moodle.hop/certs", allowed_origins={"https://moodle.hop"}
        )
        assert response.status_code == 302
        with pytest.raises(LaunchRejected) as err:
            platform_keys.fetch_jwks("https://moodle.hop/certs")
        assert "302" in err.value.reason
    finally:
        app_ctx.extensions[EXTENSION].pop("https://moodle.hop/", None)
    assert evil.seen == []


def test_answers_are_cut_at_the_size_limit(app_ctx: Flask) -> None:
    big = Recorder(body=b'{"keys": [' + b'{"kty": "RSA"},' * 200_000 + b"{}]}")
    mount_adapter(app_ctx, "https://moodle.big/", big)
    try:
        with pytest.raises(LaunchRejected) as err:
            platform_keys.fetch_jwks("https://moodle.big/certs")
        assert "larger than" in err.value.reason
    finally:
        app_ctx.extensions[EXTENSION].pop("https://moodle.big/", None)


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/x",
        "https://10.1.2.3/x",
        "https://169.254.169.254/latest/meta-data/",
        "https://[::1]/x",
        "https://localhost/x",
        "http://93.184.216.34/x",  # public, but not HTTPS
    ],
)
def test_loopback_private_link_local_and_plain_http_are_refused(app_ctx: Flask, url: str) -> None:
    with pytest.raises(OutboundRefused):
        outbound_request("GET", url, allowed_origins=None)


def test_the_operator_may_allow_a_private_origin(
    app_ctx: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Moodle test kit: https://moodle.test:8443 resolving to 127.0.0.1."""
    monkeypatch.setitem(app_ctx.config, "LTI_OUTBOUND_ALLOWED_ORIGINS", ["https://127.0.0.1:1"])
    with pytest.raises(requests.ConnectionError):  # allowed: it really tries (nothing listens)
        outbound_request("GET", "https://127.0.0.1:1/x", allowed_origins=None)


def test_client_assertion_audience_and_token_url_stay_on_the_issuers_site(
    stub: StubPlatform,  # noqa: F811
    evil: Recorder,
) -> None:
    """Item 3: a registration's authorization_server or token URL elsewhere is never used."""
    platform = register_stub_platform()
    platform.auth_audience = f"{EVIL}/token"
    claims = jwt.decode(client_assertion(platform), options={"verify_signature": False})
    assert claims["aud"] == platform.auth_token_url
    platform.auth_token_url = f"{EVIL}/token"
    with pytest.raises(ServiceError):
        access_token(platform, [SCOPE_SCORE])
    assert evil.seen == []


def test_registration_keeps_an_off_site_authorization_server_out(
    app: Flask,
    tool: FlaskClient,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    newcomer = LaunchPlatform(issuer="https://school.test", client_id="school-client")
    mount_adapter(app, newcomer.issuer + "/", newcomer)
    monkeypatch.setitem(app.config, "LTI_DYNAMIC_REGISTRATION", True)
    monkeypatch.setitem(app.config, "LTI_REGISTRATION_ALLOWED_ORIGINS", [newcomer.issuer])
    try:
        newcomer.openid_config = {
            **newcomer.openid_configuration(),
            "authorization_server": f"{EVIL}/token",
        }
        assert (
            tool.get(
                "/lti/register", query_string={"openid_configuration": newcomer.openid_url}
            ).status_code
            == 200
        )
        with app.app_context():
            platform = db.session.scalar(select(Platform).where(Platform.issuer == newcomer.issuer))
            assert platform is not None and platform.auth_audience is None
        # A token endpoint on another site is refused before anything is posted to it.
        newcomer.openid_config = {
            **newcomer.openid_configuration(),
            "token_endpoint": f"{EVIL}/token",
        }
        newcomer.client_id = "school-client-2"
        refused = tool.get(
            "/lti/register", query_string={"openid_configuration": newcomer.openid_url}
        )
        assert refused.status_code == 400 and newcomer.registrations[1:] == []
    finally:
        app.extensions[EXTENSION].pop(newcomer.issuer + "/", None)


def test_login_redirects_only_to_an_active_platforms_own_auth_url(
    app: Flask,
    tool: FlaskClient,  # noqa: F811
    moodle: LaunchPlatform,  # noqa: F811
) -> None:
    """Item 4: /lti/login is not an open redirector."""
    params = {"iss": moodle.issuer, "login_hint": "1", "client_id": moodle.client_id}
    platform = db.session.scalar(select(Platform).where(Platform.issuer == moodle.issuer))
    assert platform is not None
    platform.auth_login_url = f"{EVIL}/phish"
    db.session.commit()
    response = tool.get("/lti/login", query_string=params)
    assert response.status_code == 403 and "Location" not in response.headers
    # Two active registrations of one issuer and no client_id: refused, not a guess.
    platform.auth_login_url = moodle.auth_url
    second = Platform(
        issuer=moodle.issuer,
        client_id="second",
        auth_login_url=f"{moodle.issuer}/other/auth.php",
        auth_token_url=moodle.token_url,
        key_set_url=moodle.jwks_url,
    )
    db.session.add(second)
    db.session.commit()
    anonymous = {"iss": moodle.issuer, "login_hint": "1"}
    assert tool.get("/lti/login", query_string=anonymous).status_code == 403
    # Deactivated: no redirect either.
    platform.is_active = False
    db.session.commit()
    assert tool.get("/lti/login", query_string=params).status_code == 403


def test_dns_rebinding_between_the_check_and_the_connection_is_refused(
    app_ctx: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A name that resolves to a public address when the tool checks it, and to loopback when the
    tool connects (DNS rebinding), never reaches the internal service listening there."""
    import http.server
    import socket
    import threading

    hits: list[str] = []

    class Internal(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Internal)
    port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    real = socket.getaddrinfo
    answers = iter(["93.184.216.34"])  # first answer public, every later one loopback

    def rebinding(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host == "rebind.example":
            address = next(answers, "127.0.0.1")
            return [
                (socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, args[0] if args else port))
            ]
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    monkeypatch.setitem(app_ctx.config, "LTI_OUTBOUND_ALLOW_HTTP", True)
    try:
        with pytest.raises(OutboundRefused, match="when the tool connected"):
            outbound_request("GET", f"http://rebind.example:{port}/admin", allowed_origins=None)
    finally:
        server.shutdown()
    assert hits == []  # the internal service never saw the request
