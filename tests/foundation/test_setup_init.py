"""`flask --app lms_plugin init` as an operator runs it: a real `flask` process, configured only by
LMS_* environment variables, in production mode and locally."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from lms_plugin import create_app
from lms_plugin.lti.frame_ancestors import frame_ancestors

ROOT = Path(__file__).resolve().parents[2]
FLASK = Path(sys.executable).parent / "flask"
PRACTICE_ORIGIN = "http://127.0.0.1:5000"


def lms_env(tmp_path: Path, **settings: str) -> dict[str, str]:
    """The process environment without any inherited LMS_* setting, plus `settings`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LMS_")}
    env.update(
        LMS_INSTANCE_PATH=str(tmp_path / "instance"),
        LMS_SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'lms.sqlite'}",
    )
    env.update(settings)
    return env


def production_env(tmp_path: Path, **settings: str) -> dict[str, str]:
    """What deploy/lms.env.example sets, on SQLite (allowed explicitly) in a temporary folder."""
    return lms_env(
        tmp_path,
        LMS_ENV="production",
        LMS_PRACTICE_LMS_ENABLED="false",
        LMS_ALLOW_SQLITE_IN_PRODUCTION="1",
        LMS_LTI_REGISTRATION_ALLOWED_ORIGINS='["https://moodle.example.hu"]',
        **settings,
    )


def flask(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(FLASK), "--app", "lms_plugin", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def platforms(database: Path) -> list[tuple[str, str, int]]:
    """(issuer, registered_via, is_active) of every registered platform."""
    with sqlite3.connect(database) as conn:
        return [
            (str(i), str(v), int(a))
            for i, v, a in conn.execute("SELECT issuer, registered_via, is_active FROM platforms")
        ]


def started_app(env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> object:
    """The app a production server (gunicorn) would build from the same environment."""
    for key in [k for k in os.environ if k.startswith("LMS_")]:
        monkeypatch.delenv(key)
    for key, value in env.items():
        if key.startswith("LMS_"):
            monkeypatch.setenv(key, value)
    return create_app()


def test_init_runs_in_production_creates_what_the_checks_need_then_checks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = production_env(tmp_path)

    # Before init, other commands refuse with the sentence (no traceback) that names init.
    refused = flask(env, "lti", "list-platforms")
    assert refused.returncode != 0
    assert "LMS_SECRET_KEY" in refused.stderr
    assert "Traceback" not in refused.stderr

    done = flask(env, "init")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Production checks passed." in done.stdout
    instance = tmp_path / "instance"
    assert "SECRET_KEY = '" in (instance / "config.py").read_text()
    assert oct((instance / "config.py").stat().st_mode & 0o777) == "0o600"
    assert list((instance / "keys").glob("*.pem"))
    assert platforms(tmp_path / "lms.sqlite") == []  # schema at head, practice LMS not registered

    # The server starts from the same environment, and only then.
    app = started_app(env, monkeypatch)
    assert "practice" not in app.blueprints  # type: ignore[attr-defined]
    with app.app_context():  # type: ignore[attr-defined]
        assert PRACTICE_ORIGIN not in frame_ancestors()
    again = flask(env, "lti", "list-platforms")
    assert again.returncode == 0, again.stderr


def test_init_in_production_says_what_is_still_wrong(tmp_path: Path) -> None:
    env = production_env(tmp_path)
    del env["LMS_PRACTICE_LMS_ENABLED"]  # the default: on
    answer = flask(env, "init")
    assert answer.returncode != 0
    assert "LMS_PRACTICE_LMS_ENABLED=false" in answer.stderr
    assert "Traceback" not in answer.stderr
    assert platforms(tmp_path / "lms.sqlite") == []  # never registered in production


def test_init_honours_the_environment_over_the_instance_file_it_writes(tmp_path: Path) -> None:
    keys_dir = tmp_path / "elsewhere-keys"
    env = lms_env(tmp_path, LMS_PRACTICE_LMS_ENABLED="false", LMS_TOOL_KEYS_DIR=str(keys_dir))
    answer = flask(env, "init")
    assert answer.returncode == 0, answer.stdout + answer.stderr
    assert "Practice LMS registered" not in answer.stdout
    assert platforms(tmp_path / "lms.sqlite") == []
    assert list(keys_dir.glob("*.pem"))
    assert not (tmp_path / "instance" / "keys").exists()
    assert "PRACTICE_LMS_ENABLED" not in (tmp_path / "instance" / "config.py").read_text()


def test_init_keeps_a_secret_key_given_in_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = "f" * 64
    env = production_env(tmp_path, LMS_SECRET_KEY=secret)
    assert flask(env, "init").returncode == 0
    app = started_app(env, monkeypatch)
    assert app.config["SECRET_KEY"] == secret  # type: ignore[attr-defined]


def test_production_init_retires_a_practice_registration_from_an_earlier_local_init(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    local = flask(lms_env(tmp_path), "init")
    assert local.returncode == 0, local.stdout + local.stderr
    assert [(v, a) for _, v, a in platforms(tmp_path / "lms.sqlite")] == [("practice", 1)]

    env = production_env(tmp_path)
    answer = flask(env, "init")
    assert answer.returncode == 0, answer.stdout + answer.stderr
    assert [(v, a) for _, v, a in platforms(tmp_path / "lms.sqlite")] == [("practice", 0)]
    app = started_app(env, monkeypatch)
    with app.app_context():  # type: ignore[attr-defined]
        assert PRACTICE_ORIGIN not in frame_ancestors()
