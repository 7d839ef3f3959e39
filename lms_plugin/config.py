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
    # Compare every stored progress snapshot a page reads with a fresh computation and fail
    # loudly when they differ (lms_plugin/progress/snapshot.py). On in the test suite; it costs
    # the computation the snapshot saves, so it is off in production.
    PROGRESS_SNAPSHOT_CHECK = False
    # E-mail notices (lms_plugin/notices, docs/notices.md). MAIL_BACKEND "mailbox" keeps messages
    # in the database and shows them at /practice/mailbox (make run); "smtp" sends them.
    NOTICES_ENABLED = True
    NOTICES_INTERVAL_SECONDS = 300
    NOTICES_DIGEST_HOUR = 7  # local time (BABEL_DEFAULT_TIMEZONE) from which the daily digest goes
    NOTICES_CERT_DAYS = [60, 14]
    NOTICES_FEEDBACK_WINDOW_DAYS = 7
    NOTICES_STALLED_WINDOW_DAYS = 30
    TOOL_PUBLIC_URL: str | None = None  # e.g. https://mentor.example.hu/ (links in e-mails)
    MAIL_BACKEND = "mailbox"
    MAIL_SERVER = "localhost"
    MAIL_PORT = 25
    MAIL_SECURITY = "none"  # none | starttls | ssl
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_FROM = "noreply@localhost"
    MAIL_TIMEOUT_SECONDS = 20
    HELPER_CONSENT_AGE = 16
    # The service year (docs/service.md): logbook notes and who attended are kept this many school
    # years after the year ends; the counts are kept (`flask service retention`).
    SERVICE_DETAIL_RETENTION_YEARS = 1
    JWT_LEEWAY_SECONDS = 5
    # LTI Dynamic Registration (docs/security.md, "Registration"): off unless turned on, in every
    # environment. Allowed platforms are named by origin, "https://moodle.example.hu" or
    # "https://moodle.test:8443": scheme, host and port must match exactly. A registration creates
    # a NEW platform, pending until a tool administrator activates it, unless its origin is also
    # in LTI_REGISTRATION_TRUSTED_ORIGINS (then it is active at once).
    LTI_DYNAMIC_REGISTRATION = False
    LTI_REGISTRATION_ALLOWED_ORIGINS: list[str] = []
    LTI_REGISTRATION_TRUSTED_ORIGINS: list[str] = []
    # Deprecated alias: host names, read as https://<host> (the "*" wildcard is ignored).
    LTI_REGISTRATION_ALLOWED_HOSTS: list[str] = []
    # Outbound calls (docs/security.md, "Outbound calls"): HTTPS to public addresses only, on the
    # platform's own origins, no redirects, answers cut at LTI_OUTBOUND_MAX_BYTES.
    # LTI_OUTBOUND_ALLOWED_ORIGINS: origins the tool may call even on private addresses or over
    # http, and that a platform's endpoints may use beside its issuer's origin (the Moodle test kit:
    # ["https://moodle.test:8443"]). LTI_OUTBOUND_ALLOW_PRIVATE: any private/loopback address.
    LTI_OUTBOUND_ALLOWED_ORIGINS: list[str] = []
    LTI_OUTBOUND_ALLOW_PRIVATE = False
    LTI_OUTBOUND_ALLOW_HTTP = False
    LTI_OUTBOUND_MAX_BYTES = 1024 * 1024
    LTI_OUTBOUND_TOTAL_SECONDS = 30
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
    # Refused LTI logins/launches per client address and per issuer before further requests get
    # 429 (good traffic is never counted; a launch with a state our login issued always passes).
    LTI_FAILURE_LIMIT = "30 per minute"
    LTI_ISSUER_FAILURE_LIMIT = "300 per minute"
    LTI_REGISTER_RATE_LIMIT = "10 per minute"
    VERIFY_RATE_LIMIT = "30 per minute"
    REDIS_URL: str | None = None
    # How many proxies in front set X-Forwarded-For/-Proto/-Host (docs/security.md, "Proxies").
    # 0 (make run): the headers are ignored, so nobody can pick their own address for the rate
    # limits. Behind nginx on the same host: 1 (deploy/lms.env.example).
    TRUSTED_PROXIES = 0
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
    if overrides:
        app.extensions["lms_config_overrides"] = dict(overrides)
    if app.config["ENV"] == "production":
        enforce_production(app)


class ConfigError(RuntimeError):
    """A setting that makes the tool unsafe or unable to start."""


# The one command that may load a production app that does not pass the checks yet: it creates
# what they require (secret key, tool key, schema), then runs them itself.
SETUP_COMMAND = "init"


def enforce_production(app: Flask) -> None:
    """Run the production checks; while the `flask` command line is still choosing its command,
    keep the failure for it (see `deferred_production_problem`) so that `init` can run."""
    try:
        check_production(app.config)
    except ConfigError as problem:
        if not _loading_for_flask_command_line():
            raise
        app.extensions["lms_production_problem"] = problem


def deferred_production_problem(app: Flask) -> ConfigError | None:
    """The production check's failure kept while the command line loaded the app, if any."""
    problem = app.extensions.get("lms_production_problem")
    return problem if isinstance(problem, ConfigError) else None


def _loading_for_flask_command_line() -> bool:
    """True while `flask --app lms_plugin <command>` loads the app to look its command up.

    gunicorn, `flask run` and tests build the app outside that step and get the error at once.
    """
    import click
    from flask.cli import FlaskGroup

    ctx = click.get_current_context(silent=True)
    return ctx is not None and isinstance(ctx.command, FlaskGroup)


def adopt_generated_secret(app: Flask, secret: str) -> bool:
    """Use the secret key `init` just wrote to instance/config.py, unless LMS_SECRET_KEY or the
    caller's overrides set one (they win over the file, as at every start). True when adopted."""
    overrides: dict[str, Any] = app.extensions.get("lms_config_overrides") or {}
    if "LMS_SECRET_KEY" in os.environ or "SECRET_KEY" in overrides:
        return False
    app.config["SECRET_KEY"] = secret
    return True


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
    allowed = config.get("LTI_REGISTRATION_ALLOWED_ORIGINS") or config.get(
        "LTI_REGISTRATION_ALLOWED_HOSTS"
    )
    if config.get("LTI_DYNAMIC_REGISTRATION") and not allowed:
        raise ConfigError(
            "Dynamic registration is on but no Moodle site may use it: set "
            "LMS_LTI_REGISTRATION_ALLOWED_ORIGINS='[\"https://moodle.example.hu\"]' "
            "or switch it off with LMS_LTI_DYNAMIC_REGISTRATION=false."
        )
    sqlite = str(config.get("SQLALCHEMY_DATABASE_URI", "")).startswith("sqlite")
    if sqlite and not os.environ.get("LMS_ALLOW_SQLITE_IN_PRODUCTION"):
        raise ConfigError(
            "Production needs PostgreSQL: set LMS_SQLALCHEMY_DATABASE_URI=postgresql://… "
            "(or LMS_ALLOW_SQLITE_IN_PRODUCTION=1 for a single small instance)."
        )
