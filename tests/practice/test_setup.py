"""Registering the practice LMS: idempotent, keys kept safely, off when disabled."""

from __future__ import annotations

import stat
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, inspect, select

from lms_plugin.db import db
from lms_plugin.lti.models import Deployment, Platform
from lms_plugin.practice.models import PracticeLineItem, PracticeResourceLink
from lms_plugin.practice.setup import register_practice_platform
from tests.conftest import make_test_app
from tests.practice_platform import BASE, PracticeLms, in_english


def _count(model: type) -> int:
    return int(db.session.scalar(select(func.count()).select_from(model)) or 0)


def test_registration_is_idempotent_and_follows_the_server_name(app_ctx: Flask) -> None:
    first = register_practice_platform()
    second = register_practice_platform()
    assert first.id == second.id
    assert first.issuer == "https://tool.test/practice" and first.client_id == "practice-tool"
    assert first.auth_login_url == "https://tool.test/practice/auth"
    assert first.auth_token_url == "https://tool.test/practice/token"
    assert first.key_set_url == "https://tool.test/practice/jwks"
    assert _count(Platform) == 1 and _count(Deployment) == 1
    # Like Moodle after deep linking: a column only for graded activities (course, 3 modules).
    assert _count(PracticeResourceLink) == 9 and _count(PracticeLineItem) == 4


def test_platform_key_is_private_to_the_owner(app_ctx: Flask) -> None:
    register_practice_platform()
    path = Path(app_ctx.instance_path) / "practice_platform_key.pem"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_issuer_comes_from_config(tmp_path: Path) -> None:
    other = make_test_app(tmp_path, PRACTICE_ISSUER="http://127.0.0.1:5123/practice/")
    with other.app_context():
        from lms_plugin.practice import urls

        assert urls.issuer() == "http://127.0.0.1:5123/practice"
        assert urls.tool_launch_url() == "http://127.0.0.1:5123/lti/launch"


def test_jwks_publishes_the_signing_key_with_a_kid(
    client: FlaskClient, practice_lms: PracticeLms
) -> None:
    jwks = client.get(f"{BASE}/practice/jwks").get_json()
    assert len(jwks["keys"]) == 1
    key = jwks["keys"][0]
    assert key["kid"] and key["alg"] == "RS256" and key["kty"] == "RSA" and "d" not in key


def test_unregistered_practice_lms_offers_set_up(client: FlaskClient) -> None:
    in_english(client)
    page = client.get(f"{BASE}/practice/").get_data(as_text=True)
    assert "Register the practice LMS with the tool" in page
    answer = client.post(f"{BASE}/practice/setup", follow_redirects=True)
    assert answer.status_code == 200
    assert "Launch the tool" in answer.get_data(as_text=True)


def test_disabled_practice_lms_is_not_mounted_but_its_tables_exist(
    tmp_path: Path, app: Flask
) -> None:
    off = make_test_app(tmp_path, PRACTICE_LMS_ENABLED=False)
    assert "practice" not in off.blueprints
    assert off.test_client().get("/practice/").status_code == 404
    assert "practice_scores" in db.metadata.tables
    with app.app_context():
        assert "practice_scores" in inspect(db.engine).get_table_names()
