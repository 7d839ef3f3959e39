"""A platform registered by another process (the `lti add-platform` CLI beside gunicorn) may frame
the tool at once: no web worker keeps a stale private copy of frame-ancestors."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from lms_plugin.db import db


def _csp(client: FlaskClient) -> str:
    return str(client.get("/healthz").headers.get("Content-Security-Policy", "")) or str(
        client.get("/").headers.get("Content-Security-Policy", "")
    )


def test_a_platform_added_elsewhere_frames_the_tool_on_the_next_request(
    app: Flask, client: FlaskClient
) -> None:
    assert app.config["CACHE_TYPE"] == "SimpleCache"  # a cache no other process can clear
    assert "https://elsewhere.example.hu" not in _csp(client)
    with app.app_context():
        # What another process does: a row in the shared database, no call into this process.
        db.session.execute(
            text(
                "INSERT INTO platforms (issuer, client_id, name, auth_login_url, auth_token_url, "
                "key_set_url, registered_via, product, registration_url, is_active, created_at) "
                "VALUES "
                "('https://elsewhere.example.hu', 'c1', 'x', "
                "'https://elsewhere.example.hu/mod/lti/auth.php', "
                "'https://elsewhere.example.hu/mod/lti/token.php', "
                "'https://elsewhere.example.hu/mod/lti/certs.php', 'manual', '', '', :t, :now)"
            ),
            {"t": True, "now": "2026-01-01 00:00:00.000000+00:00"},
        )
        db.session.commit()
    assert "https://elsewhere.example.hu" in _csp(client)
