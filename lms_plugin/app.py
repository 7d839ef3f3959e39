"""The application factory: it only wires; no queries, migrations or network at start-up."""

from __future__ import annotations

import importlib
import os
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from lms_plugin import cli, errors, logging_setup, navigation, security_headers, static_cache
from lms_plugin.config import load_config
from lms_plugin.db import db
from lms_plugin.extensions import babel, cache, csrf, limiter, login_manager, migrate

# Each feature package has a views.py that owns `bp`, and may have commands.py with `register`.
FEATURES = (
    "main",
    "accounts",
    "lti",
    "courses",
    "progress",
    "grading",
    "journal",
    "certification",
    "coordination",
    "admin",
    "ops",
    "jobs",
    "notices",
    "evaluation",
    "service",
    "live",
)


def create_app(
    test_config: dict[str, Any] | None = None, instance_path: str | None = None
) -> Flask:
    """Build the Flask app; `test_config` overrides every other source of settings.

    The instance folder is `instance/` beside the code unless LMS_INSTANCE_PATH says otherwise.
    """
    instance_path = instance_path or os.environ.get("LMS_INSTANCE_PATH") or None
    if instance_path:
        instance_path = os.path.abspath(instance_path)
    app = Flask(__name__, instance_path=instance_path, instance_relative_config=True)
    from lms_plugin.ops.safe_json import SafeJSONProvider

    app.json = SafeJSONProvider(app)  # deeply nested JSON is a 400, never a RecursionError 500
    load_config(app, test_config)
    logging_setup.configure(app)
    proxies = int(app.config["TRUSTED_PROXIES"])
    if proxies:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_port=proxies
        )
    from lms_plugin.input_guard import register_input_guard

    register_input_guard(app)  # before the blueprints: routes take the bounded `int` converter
    register_extensions(app)
    register_features(app)
    # The practice LMS's tables are part of the schema even when it is not mounted.
    importlib.import_module("lms_plugin.practice.models")
    if app.config["PRACTICE_LMS_ENABLED"]:
        from lms_plugin.practice import register as register_practice

        register_practice(app)
    errors.register(app)
    navigation.register(app)
    security_headers.register(app)
    static_cache.register(app)  # versioned static URLs, kept a year by browsers
    cli.register(app)
    return app


def register_extensions(app: Flask) -> None:
    """Bind the unbound extensions to this app."""
    from lms_plugin.ops import dbtuning

    dbtuning.register(app)  # SQLite: WAL + busy timeout on every connection
    db.init_app(app)
    migrate.init_app(app, db, directory=str(_migrations_dir()))
    csrf.init_app(app)
    login_manager.init_app(app)
    cache.init_app(app)
    limiter.init_app(app)
    from lms_plugin.i18n import select_locale, select_timezone

    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    from lms_plugin.i18n import register as register_i18n

    register_i18n(app)
    from lms_plugin.audit_time import register as register_times

    register_times(app)


def register_features(app: Flask) -> None:
    """Register every feature's blueprint, event subscriptions and CLI commands."""
    for name in FEATURES:
        try:
            importlib.import_module(f"lms_plugin.{name}.models")
        except ModuleNotFoundError as exc:
            if exc.name != f"lms_plugin.{name}.models":
                raise
        views = importlib.import_module(f"lms_plugin.{name}.views")
        app.register_blueprint(views.bp)
        try:
            subscriptions = importlib.import_module(f"lms_plugin.{name}.subscriptions")
        except ModuleNotFoundError as exc:
            if exc.name != f"lms_plugin.{name}.subscriptions":
                raise
        else:
            subscriptions.register()  # in-process events (lms_plugin/events.py)
        try:
            commands = importlib.import_module(f"lms_plugin.{name}.commands")
        except ModuleNotFoundError as exc:
            if exc.name != f"lms_plugin.{name}.commands":
                raise
            continue
        commands.register(app)


def _migrations_dir() -> Any:
    from pathlib import Path

    return Path(__file__).resolve().parent.parent / "migrations"
