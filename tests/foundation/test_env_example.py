"""deploy/lms.env.example reads the same as a systemd EnvironmentFile= and in a shell
(`set -a; . file`), and the app's configuration loader accepts what it sets."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from flask import Flask

from lms_plugin.config import load_config
from lms_plugin.lti import keys

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "deploy" / "lms.env.example"
WHITESPACE = " \t\r"
SHELL_NEED_ESCAPE = '"\\`$'


def parse_environment_file(text: str) -> dict[str, str]:
    """systemd's EnvironmentFile= rules (systemd.exec(5), src/basic/env-file.c): `#`/`;` comment
    lines, KEY=VALUE, surrounding whitespace dropped, single quotes verbatim, double quotes with
    shell escapes, backslash escapes and line continuations outside quotes, quotes inside an
    unquoted value kept, and no variable expansion."""
    result: dict[str, str] = {}
    state = "pre_key"
    key = value = ""
    last_value_whitespace = -1  # where trailing whitespace of an unquoted value starts

    def finish() -> None:
        nonlocal key, value, last_value_whitespace
        name = key.rstrip(WHITESPACE)
        if last_value_whitespace >= 0:
            value = value[:last_value_whitespace]
        if name:
            result[name] = value
        key = value = ""
        last_value_whitespace = -1

    for char in text + "\n":
        if state == "pre_key":
            if char in "#;":
                state = "comment"
            elif char not in WHITESPACE + "\n":
                state, key = "key", char
        elif state == "key":
            if char == "\n":
                state, key = "pre_key", ""  # a line without "=" is ignored
            elif char == "=":
                state = "pre_value"
            else:
                key += char
        elif state == "pre_value":
            if char == "\n":
                finish()
                state = "pre_key"
            elif char == "'":
                state = "single"
            elif char == '"':
                state = "double"
            elif char == "\\":
                state = "value_escape"
            elif char not in WHITESPACE:
                state, value = "value", value + char
        elif state == "value":
            if char == "\n":
                finish()
                state = "pre_key"
            elif char == "\\":
                state, last_value_whitespace = "value_escape", -1
            else:
                if char in WHITESPACE:
                    if last_value_whitespace < 0:
                        last_value_whitespace = len(value)
                else:
                    last_value_whitespace = -1
                value += char
        elif state == "value_escape":
            state = "value"
            if char != "\n":  # backslash-newline continues the line
                value += char
        elif state == "single":
            if char == "'":
                state = "pre_value"
            else:
                value += char
        elif state == "double":
            if char == '"':
                state = "pre_value"
            elif char == "\\":
                state = "double_escape"
            else:
                value += char
        elif state == "double_escape":
            state = "double"
            if char in SHELL_NEED_ESCAPE:
                value += char
            elif char != "\n":
                value += "\\" + char
        elif state == "comment":
            if char == "\\":
                state = "comment_escape"
            elif char == "\n":
                state = "pre_key"
        elif state == "comment_escape":
            state = "comment"
    return result


def parse_with_shell(path: Path) -> dict[str, str]:
    """What `set -a; . file` exports, read back from `env -0` (values may hold newlines)."""
    clean = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    output = subprocess.run(
        ["bash", "-c", 'set -a; . "$1"; env -0', "bash", str(path)],
        env=clean,
        capture_output=True,
        check=True,
    ).stdout.decode()
    pairs = (item.split("=", 1) for item in output.split("\0") if "=" in item)
    return dict(pairs)


def test_the_parser_follows_systemds_rules() -> None:
    parsed = parse_environment_file(
        "# comment\n; also a comment\nA=plain\nB = spaced value  \nC='single $X \"q\"'\n"
        'D="double \\"q\\" \\$HOME \\n"\nE=un"quoted"\nF=one\\\ntwo\nnot an assignment\n'
        "G='multi\nline'\nH=\n"
    )
    assert parsed == {
        "A": "plain",
        "B": "spaced value",
        "C": 'single $X "q"',
        "D": 'double "q" $HOME \\n',
        "E": 'un"quoted"',
        "F": "onetwo",
        "G": "multi\nline",
        "H": "",
    }


def test_systemd_and_the_shell_read_the_same_values() -> None:
    by_systemd = parse_environment_file(EXAMPLE.read_text(encoding="utf-8"))
    by_shell = parse_with_shell(EXAMPLE)
    assert by_systemd, "the example sets nothing"
    for name, value in by_systemd.items():
        assert by_shell.get(name) == value, (
            f"{name}: systemd {value!r}, shell {by_shell.get(name)!r}"
        )
    assert by_systemd["LMS_LTI_FAILURE_LIMIT"] == "30 per minute"
    assert by_systemd["LMS_LTI_REGISTRATION_ALLOWED_ORIGINS"] == '["https://moodle.example.hu"]'


def test_the_app_loads_the_example_as_a_production_configuration(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = parse_environment_file(EXAMPLE.read_text(encoding="utf-8"))
    for name in [k for k in os.environ if k.startswith("LMS_")]:
        monkeypatch.delenv(name)
    for name, value in settings.items():
        monkeypatch.setenv(name, value)
    # Only what init creates (the secret key and the tool key), in temporary folders.
    monkeypatch.setenv("LMS_SECRET_KEY", "a" * 64)
    monkeypatch.setenv("LMS_TOOL_KEYS_DIR", str(tmp_path / "keys"))
    keys.ensure_key(tmp_path / "keys")
    app = Flask("lms_plugin", instance_path=str(tmp_path), instance_relative_config=True)
    load_config(app)  # runs the production checks: raises ConfigError on anything missing
    assert app.config["ENV"] == "production"
    assert app.config["PRACTICE_LMS_ENABLED"] is False
    assert app.config["TRUSTED_PROXIES"] == 1
    assert app.config["LTI_FAILURE_LIMIT"] == "30 per minute"
    assert app.config["VERIFY_RATE_LIMIT"] == "30 per minute"
    assert app.config["LTI_DYNAMIC_REGISTRATION"] is True
    assert app.config["LTI_REGISTRATION_ALLOWED_ORIGINS"] == ["https://moodle.example.hu"]
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql+psycopg://lms:")
    assert app.config["RATELIMIT_STORAGE_URI"] == "redis://redis.internal:6379/0"


def test_the_units_read_the_environment_file_the_docs_install() -> None:
    docs = (ROOT / "docs" / "deployment.md").read_text(encoding="utf-8")
    assert "/etc/lms-plugin/lms.env" in docs
    for unit in ("lms-web.service", "lms-deliver.service", "lms-backup.service"):
        text = (ROOT / "deploy" / "systemd" / unit).read_text(encoding="utf-8")
        assert "EnvironmentFile=/etc/lms-plugin/lms.env" in text
        assert unit.removesuffix(".service") in docs
