"""Configuration: defaults, then instance/config.py, then LMS_* environment variables."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask

DEV_SECRET_KEY = "dev-only-not-secret"  # noqa: S105 - the known default a production start refuses


class Defaults:
    """Settings every deployment starts from; the local default is a developer's laptop."""

    ENV = "local"  # "local", "testing" or "production"
    SECRET_KEY = DEV_SECRET_KEY
    SQLALCHEMY_DATABASE_URI: str | None = None  # None: SQLite file in the instance folder
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, Any] = {"pool_pre_ping": True}
    PRACTICE_LMS_ENABLED = True
    # Base URL the practice LMS uses to reach the tool (it runs in the same process by default).
    PRACTICE_TOOL_URL: str | None = None
    TOOL_NAME = "Mentor Programme"
    TOOL_KEYS_DIR: str | None = None  # None: instance/keys
    KEY_GRACE_DAYS = 7
    BABEL_DEFAULT_LOCALE = "hu"
    BABEL_DEFAULT_TIMEZONE = "Europe/Budapest"
    LANGUAGES = ["hu", "en"]
    COURSES_DIR: str | None = None  # None: the repository's courses/
    UPLOAD_DIR: str | None = None  # None: instance/uploads
    MAX_CONTENT_LENGTH = 40 * 1024 * 1024
    STALLED_DAYS = 14
    HELPER_CONSENT_AGE = 16
    JWT_LEEWAY_SECONDS = 5
    # Hosts allowed to use LTI Dynamic Registration (empty: any; set it in production).
    LTI_REGISTRATION_ALLOWED_HOSTS: list[str] = []
    LTI_JWKS_REFETCH_COOLDOWN = 10  # seconds between JWKS re-fetches for unknown kids
    NRPS_SYNC_MINUTES = 15
    WTF_CSRF_TIME_LIMIT = None
    WTF_CSRF_SSL_STRICT = False  # the Referer is absent or the LMS inside an iframe
    SESSION_COOKIE_NAME = "lms_session"
    SESSION_COOKIE_HTTPONLY = True
    PERMANENT_SESSION_LIFETIME = 8 * 3600
    CACHE_TYPE = "SimpleCache"
    CACHE_DEFAULT_TIMEOUT = 300
    # SimpleCache prunes past this many entries; every launch stores a few (state, nonce), and at
    # the default 500 the cached platform JWKS was evicted every few launches (a refetch each).
    CACHE_THRESHOLD = 20_000
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    LTI_RATE_LIMIT = "60 per minute"
    VERIFY_RATE_LIMIT = "30 per minute"
    REDIS_URL: str | None = None
    TRUSTED_PROXIES = 1
    LOG_LEVEL = "INFO"


def load_config(app: Flask, overrides: dict[str, Any] | None = None) -> None:
    """Fill app.config in order: defaults → instance/config.py → LMS_* env → overrides (tests)."""
    app.config.from_object(Defaults)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env(prefix="LMS")
    if overrides:
        app.config.update(overrides)
    instance = Path(app.instance_path)
    if not app.config["SQLALCHEMY_DATABASE_URI"]:
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'lms.sqlite'}"
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql://"):
        uri = app.config["SQLALCHEMY_DATABASE_URI"]
        app.config["SQLALCHEMY_DATABASE_URI"] = uri.replace(
            "postgresql://", "postgresql+psycopg://", 1
        )
    app.config.setdefault("TOOL_KEYS_DIR", None)
    app.config["TOOL_KEYS_DIR"] = app.config["TOOL_KEYS_DIR"] or str(instance / "keys")
    app.config["UPLOAD_DIR"] = app.config["UPLOAD_DIR"] or str(instance / "uploads")
    repo_courses = Path(__file__).resolve().parent.parent / "courses"
    app.config["COURSES_DIR"] = app.config["COURSES_DIR"] or str(repo_courses)
    if app.config["REDIS_URL"] and app.config["RATELIMIT_STORAGE_URI"] == "memory://":
        app.config["RATELIMIT_STORAGE_URI"] = app.config["REDIS_URL"]
    if app.config["REDIS_URL"] and app.config["CACHE_TYPE"] == "SimpleCache":
        app.config["CACHE_TYPE"] = "RedisCache"
        app.config["CACHE_REDIS_URL"] = app.config["REDIS_URL"]
    if app.config["ENV"] == "production":
        check_production(app.config)


class ConfigError(RuntimeError):
    """A setting that makes the tool unsafe or unable to start."""


def check_production(config: dict[str, Any]) -> None:
    """Refuse to start in production with a sentence that says what to set."""
    if config.get("PRACTICE_LMS_ENABLED"):
        raise ConfigError(
            "The practice LMS must be off in production: set LMS_PRACTICE_LMS_ENABLED=false."
        )
    secret = config.get("SECRET_KEY")
    if not secret or secret == DEV_SECRET_KEY or len(str(secret)) < 32:
        raise ConfigError(
            "Set a secret key of at least 32 random characters in LMS_SECRET_KEY "
            "(for example: python -c 'import secrets; print(secrets.token_hex(32))')."
        )
    keys_dir = Path(str(config["TOOL_KEYS_DIR"]))
    if not keys_dir.is_dir() or not any(keys_dir.glob("*.pem")):
        raise ConfigError(
            f"No tool key in {keys_dir}: run 'flask --app lms_plugin init' "
            "or set LMS_TOOL_KEYS_DIR."
        )
    if not config.get("LTI_REGISTRATION_ALLOWED_HOSTS"):
        raise ConfigError(
            "Say which Moodle sites may register the tool by Dynamic Registration: set "
            "LMS_LTI_REGISTRATION_ALLOWED_HOSTS='[\"moodle.example.hu\"]' "
            "(or '[\"*\"]' to allow any, "
            "which lets any site that reaches /lti/register add itself)."
        )
    sqlite = str(config.get("SQLALCHEMY_DATABASE_URI", "")).startswith("sqlite")
    if sqlite and not os.environ.get("LMS_ALLOW_SQLITE_IN_PRODUCTION"):
        raise ConfigError(
            "Production needs PostgreSQL: set LMS_SQLALCHEMY_DATABASE_URI=postgresql://… "
            "(or LMS_ALLOW_SQLITE_IN_PRODUCTION=1 for a single small instance)."
        )
