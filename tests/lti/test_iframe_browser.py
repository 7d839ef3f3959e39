"""A real Chromium: a platform page on https://127.0.0.1:<p2> frames the tool on
https://localhost:<p1> (another site), with third-party cookies blocked, and the launch succeeds
because every cookie the tool sets is Partitioned (CHIPS)."""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from flask import Flask, request
from flask_migrate import upgrade
from werkzeug.serving import BaseWSGIServer, make_server

from lms_plugin.db import db
from lms_plugin.lti import keys
from lms_plugin.lti.http import mount_adapter
from tests.conftest import MIGRATIONS, make_test_app
from tests.lti.launch_platform import LaunchPlatform

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--ignore-certificate-errors",
    "--test-third-party-cookie-phaseout",  # block third-party cookies (partitioned ones still work)
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _certificate(folder: Path) -> tuple[str, str]:
    """A self-signed certificate for localhost and 127.0.0.1."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    return str(cert_path), str(key_path)


def platform_app(moodle: LaunchPlatform, tool_base: str) -> Flask:
    """The platform: a course page framing the tool, and the OIDC auth endpoint that signs."""
    app = Flask("practice_platform_for_browser_test")

    @app.get("/course")
    def course() -> str:
        query = urlencode(
            {
                "iss": moodle.issuer,
                "login_hint": "4",
                "target_link_uri": f"{tool_base}/lti/launch",
                "lti_message_hint": "launch-1",
                "client_id": moodle.client_id,
                "lti_deployment_id": moodle.deployment_id,
            }
        )
        return (
            "<!doctype html><title>Moodle course</title><h1>LTI Lab Course</h1>"
            f'<iframe id="tool" src="{tool_base}/lti/login?{query}" width="1000" height="600" '
            'allow="fullscreen"></iframe>'
        )

    @app.get("/mod/lti/auth.php")
    def auth() -> str:
        args = request.args
        assert args["redirect_uri"] == f"{tool_base}/lti/launch"
        assert args["lti_message_hint"] == "launch-1"
        body = moodle.claims(nonce=args["nonce"], custom={"target": "home"})
        token = moodle.sign(body)
        return (
            "<!doctype html><body>"
            f'<form id="f" method="post" action="{args["redirect_uri"]}">'
            f'<input type="hidden" name="id_token" value="{token}">'
            f'<input type="hidden" name="state" value="{args["state"]}"></form>'
            "<script>document.getElementById('f').submit();</script></body>"
        )

    return app


class Server:
    def __init__(
        self, app: Flask, port: int, cert: tuple[str, str], host: str = "127.0.0.1"
    ) -> None:
        self.server: BaseWSGIServer = make_server(host, port, app, threaded=True, ssl_context=cert)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Server:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.thread.join(timeout=10)


@pytest.fixture
def servers(tmp_path: Path) -> Iterator[dict[str, Any]]:
    cert = _certificate(tmp_path)
    tool_port, platform_port = _free_port(), _free_port()
    tool_base = f"https://localhost:{tool_port}"
    moodle = LaunchPlatform(issuer=f"https://127.0.0.1:{platform_port}", client_id="browser-client")
    tool = make_test_app(
        tmp_path / "tool",
        SERVER_NAME=f"localhost:{tool_port}",
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'browser.sqlite'}",  # not the suite's DB
    )
    with tool.app_context():
        keys.ensure_key()
        upgrade(directory=MIGRATIONS)
        mount_adapter(tool, moodle.issuer + "/", moodle)  # the tool reads the platform's JWKS
        moodle.register()
        db.session.remove()
    with (
        Server(tool, tool_port, cert),
        Server(platform_app(moodle, tool_base), platform_port, cert),
    ):
        yield {"platform": moodle.issuer, "tool": tool_base, "moodle": moodle}


def _preferences(profile: Path) -> None:
    """Belt and braces: the profile setting 'Block third-party cookies' as well as the flag."""
    default = profile / "Default"
    default.mkdir(parents=True)
    prefs = {"profile": {"cookie_controls_mode": 1, "block_third_party_cookies": True}}
    (default / "Preferences").write_text(json.dumps(prefs))


def test_launch_in_a_cross_site_iframe_with_third_party_cookies_blocked(
    servers: dict[str, Any], tmp_path: Path
) -> None:
    from playwright.sync_api import sync_playwright

    profile = tmp_path / "profile"
    _preferences(profile)
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(profile),
            executable_path="/usr/bin/chromium",
            args=CHROMIUM_ARGS,
            ignore_https_errors=True,
            locale="en-GB",
        )
        try:
            page = context.new_page()
            page.goto(f"{servers['platform']}/course", timeout=30_000)
            frame = page.frame_locator("#tool")
            frame.locator("text=Sam Student").first.wait_for(timeout=30_000)
            page.screenshot(path=str(ARTIFACTS / "lti-iframe-launch.png"), full_page=True)
            tool_frame = next(f for f in page.frames if f.url.startswith(servers["tool"]))
            assert "/lti/" not in tool_frame.url  # landed on the target, past login/launch/continue
            cookies = [c for c in context.cookies() if c["domain"] == "localhost"]
            session = [c for c in cookies if c["name"] == "lms_session"]
            assert session, cookies
            assert session[0]["sameSite"] == "None" and session[0]["secure"]
            assert session[0].get("partitionKey"), session[0]  # kept only because it is partitioned
            # Control: an unpartitioned third-party cookie set from the frame is refused.
            tool_frame.evaluate("document.cookie = 'plain3p=1; path=/; SameSite=None; Secure'")
            time.sleep(0.2)
            names = {c["name"] for c in context.cookies() if c["domain"] == "localhost"}
            assert "plain3p" not in names, "third-party cookies are not blocked in this browser"
        finally:
            context.close()
