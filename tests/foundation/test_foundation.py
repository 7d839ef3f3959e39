"""The skeleton: health check, migrations agree with models, config rules, error pages."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from flask import Flask
from flask.testing import FlaskClient

from lms_plugin.config import ConfigError
from lms_plugin.db import db
from tests.conftest import make_test_app


def test_healthz_reports_database_and_head(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["migration"] == body["head"]


def test_models_and_migrations_agree(app: Flask) -> None:
    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_unknown_page_is_friendly_html(client: FlaskClient) -> None:
    response = client.get("/no-such-page", headers={"Accept": "text/html"})
    assert response.status_code == 404
    assert b"<html" in response.data
    assert b"Traceback" not in response.data


def test_service_errors_are_json(client: FlaskClient) -> None:
    response = client.get("/api/no-such-endpoint")
    assert response.status_code == 404
    assert response.get_json()["error"] == "not_found"


@pytest.mark.parametrize(
    ("overrides", "needle"),
    [
        ({"PRACTICE_LMS_ENABLED": True}, "LMS_PRACTICE_LMS_ENABLED=false"),
        ({"PRACTICE_LMS_ENABLED": False, "SECRET_KEY": "dev-only-not-secret"}, "LMS_SECRET_KEY"),
        ({"PRACTICE_LMS_ENABLED": False, "SECRET_KEY": "short"}, "LMS_SECRET_KEY"),
    ],
)
def test_production_refuses_unsafe_settings(
    tmp_path: Path, overrides: dict[str, object], needle: str
) -> None:
    with pytest.raises(ConfigError, match=needle):
        make_test_app(tmp_path, ENV="production", **overrides)


def test_production_starts_with_safe_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from lms_plugin.lti import keys

    keys.ensure_key(tmp_path / "keys")
    monkeypatch.setenv("LMS_ALLOW_SQLITE_IN_PRODUCTION", "1")
    # Dynamic registration is off by default: no allow-list needed. Switched on, it needs one.
    app = make_test_app(tmp_path, ENV="production", PRACTICE_LMS_ENABLED=False, SECRET_KEY="x" * 40)
    assert "practice" not in app.blueprints
    with pytest.raises(ConfigError, match="LMS_LTI_REGISTRATION_ALLOWED_ORIGINS"):
        make_test_app(
            tmp_path,
            ENV="production",
            PRACTICE_LMS_ENABLED=False,
            SECRET_KEY="x" * 40,
            LTI_DYNAMIC_REGISTRATION=True,
        )
    make_test_app(
        tmp_path,
        ENV="production",
        PRACTICE_LMS_ENABLED=False,
        SECRET_KEY="x" * 40,
        LTI_DYNAMIC_REGISTRATION=True,
        LTI_REGISTRATION_ALLOWED_ORIGINS=["https://moodle.example.hu"],
    )


def test_environment_overrides_instance_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "config.py").write_text("STALLED_DAYS = 3\nNRPS_SYNC_MINUTES = 5\n")
    monkeypatch.setenv("LMS_STALLED_DAYS", "9")
    from lms_plugin import create_app

    application = create_app(instance_path=str(tmp_path))
    assert application.config["STALLED_DAYS"] == 9  # environment beats instance/config.py
    assert application.config["NRPS_SYNC_MINUTES"] == 5  # instance/config.py beats defaults
    assert application.config["HELPER_CONSENT_AGE"] == 16  # defaults


def test_practice_platform_cannot_launch_when_practice_lms_is_off(app: Flask) -> None:
    from lms_plugin.lti.models import Platform
    from lms_plugin.lti.tool_conf import DatabaseToolConf

    with app.app_context():
        db.session.add(
            Platform(
                issuer="https://tool.test/practice",
                client_id="practice-tool",
                auth_login_url="x",
                auth_token_url="x",
                key_set_url="x",
                registered_via="practice",
            )
        )
        db.session.commit()
        app.config["PRACTICE_LMS_ENABLED"] = True
        assert (
            DatabaseToolConf().find_platform("https://tool.test/practice", "practice-tool")
            is not None
        )
        app.config["PRACTICE_LMS_ENABLED"] = False
        try:
            assert (
                DatabaseToolConf().find_platform("https://tool.test/practice", "practice-tool")
                is None
            )
        finally:
            app.config["PRACTICE_LMS_ENABLED"] = True
