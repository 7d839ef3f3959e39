"""Shared fixtures: one migrated database per run, emptied after every test; factories for users."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import inspect, text

from lms_plugin import create_app
from lms_plugin.accounts.current import SESSION_KEY
from lms_plugin.accounts.models import LmsContext, Membership, Role, User
from lms_plugin.db import db
from lms_plugin.extensions import cache, limiter
from lms_plugin.lti import keys
from lms_plugin.lti.models import Deployment, Platform

ROOT = Path(__file__).resolve().parent.parent
MIGRATIONS = str(ROOT / "migrations")


def database_url(tmp: Path) -> str:
    """PostgreSQL when TEST_DATABASE_URL is set, else a SQLite file."""
    return os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp / 'test.sqlite'}"


def make_test_app(instance: Path, **overrides: Any) -> Flask:
    """An app with its own instance folder and keys."""
    instance.mkdir(parents=True, exist_ok=True)
    config: dict[str, Any] = {
        "ENV": "testing",
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
        "SQLALCHEMY_DATABASE_URI": database_url(instance),
        "TOOL_KEYS_DIR": str(instance / "keys"),
        "UPLOAD_DIR": str(instance / "uploads"),
        "SERVER_NAME": "tool.test",
        "PREFERRED_URL_SCHEME": "https",
        "RATELIMIT_ENABLED": False,
        # CSRF is enforced in tests/security (an app with it on checks every POST route).
        "WTF_CSRF_ENABLED": False,
        # Every snapshot a page reads must equal a fresh computation (progress/snapshot.py).
        "PROGRESS_SNAPSHOT_CHECK": True,
    }
    config.update(overrides)
    return create_app(config, instance_path=str(instance))


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """The app, its database upgraded to head once per run."""
    instance = tmp_path_factory.mktemp("instance")
    application = make_test_app(instance)
    with application.app_context():
        from lms_plugin.i18n import compile_catalogs

        compile_catalogs()
        keys.ensure_key()
        _reset_schema()
        upgrade(directory=MIGRATIONS)
    yield application


def _reset_schema() -> None:
    """Start PostgreSQL runs from an empty schema (SQLite files are new anyway)."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))


@pytest.fixture(autouse=True)
def _clean_database(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every test starts with empty tables and an empty cache."""
    if "app" not in request.fixturenames:
        yield
        return
    application: Flask = request.getfixturevalue("app")
    yield
    with application.app_context():
        db.session.remove()
        existing = set(inspect(db.engine).get_table_names())
        tables = [t for t in reversed(db.metadata.sorted_tables) if t.name in existing]
        with db.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                names = ", ".join(f'"{t.name}"' for t in tables)
                conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            else:
                for table in tables:
                    conn.execute(table.delete())
        cache.clear()
        if application.config.get("RATELIMIT_ENABLED", True):
            limiter.reset()


@pytest.fixture
def app_ctx(app: Flask) -> Iterator[Flask]:
    """An application context for service-level tests."""
    with app.app_context():
        yield app
        db.session.remove()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> Any:
    return app.test_cli_runner()


class Factory:
    """make_* helpers that create rows the way launches would."""

    def __init__(self) -> None:
        self._n = 0

    def _next(self) -> int:
        self._n += 1
        return self._n

    def platform(
        self, issuer: str = "https://moodle.test", client_id: str = "client-1"
    ) -> Platform:
        platform = Platform(
            issuer=issuer,
            client_id=client_id,
            name="Test Moodle",
            auth_login_url=f"{issuer}/mod/lti/auth.php",
            auth_token_url=f"{issuer}/mod/lti/token.php",
            key_set_url=f"{issuer}/mod/lti/certs.php",
        )
        platform.deployments.append(Deployment(deployment_id="1"))
        db.session.add(platform)
        db.session.flush()
        return platform

    def context(
        self, platform: Platform | None = None, context_id: str | None = None
    ) -> LmsContext:
        platform = platform or self.platform(client_id=f"client-{self._next()}")
        ctx = LmsContext(
            platform_id=platform.id,
            context_id=context_id or f"course-{self._next()}",
            title="Mentorképzés 2026 ősz",
        )
        db.session.add(ctx)
        db.session.flush()
        return ctx

    def user(
        self,
        context: LmsContext | None = None,
        role: Role = Role.TRAINEE,
        name: str | None = None,
        **fields: Any,
    ) -> User:
        n = self._next()
        platform_id = context.platform_id if context else self.platform(client_id=f"c-{n}").id
        user = User(
            platform_id=platform_id, sub=str(1000 + n), name=name or f"Kovács Anna {n}", **fields
        )
        db.session.add(user)
        db.session.flush()
        if context is not None and role in (Role.TRAINEE, Role.TRAINER):
            db.session.add(
                Membership(
                    context_pk=context.id, user_id=user.id, role=role.value, has_launched=True
                )
            )
            db.session.flush()
        return user


@pytest.fixture
def make(app_ctx: Flask) -> Factory:
    """Factories bound to the test's app context."""
    return Factory()


def login(
    client: FlaskClient,
    user: User,
    role: Role,
    context: LmsContext | None = None,
    lang: str | None = None,
) -> None:
    """Put the client in the state a launch leaves it in (Flask-Login + launch in the session)."""
    with client.session_transaction() as sess:
        if lang:
            sess["lang"] = lang
        sess["_user_id"] = str(user.id)
        sess["_fresh"] = True
        sess[SESSION_KEY] = {
            "role": role.value,
            "context_pk": context.id if context else None,
            "resource_link_pk": None,
            "target": "home",
        }


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """`postgres` tests run in the PostgreSQL pass; the SQLite pass deselects (not skips) them."""
    if os.environ.get("TEST_DATABASE_URL"):
        return
    keep = [item for item in items if item.get_closest_marker("postgres") is None]
    if len(keep) != len(items):
        config.hook.pytest_deselected(items=[i for i in items if i not in keep])
        items[:] = keep
