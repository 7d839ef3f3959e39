"""Fixtures for the security tests: the seeded world, apps with CSRF or rate limits switched on."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from lms_plugin.extensions import limiter
from tests.conftest import make_test_app
from tests.practice_platform import practice_lms  # noqa: F401 - the fixture, for these tests
from tests.security.world import World, seed_world


@pytest.fixture
def world(app_ctx: Flask) -> World:
    """Two courses, seven kinds of visitor, Anna's and Béla's certificates, submissions, files."""
    return seed_world()


def sibling_app(app: Flask, tmp: Any, **overrides: Any) -> Flask:
    """Another app on the suite's (already migrated) database, with its own settings."""
    return make_test_app(
        tmp,
        SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
        TOOL_KEYS_DIR=app.config["TOOL_KEYS_DIR"],
        UPLOAD_DIR=app.config["UPLOAD_DIR"],
        **overrides,
    )


@pytest.fixture(scope="session")
def csrf_app(app: Flask, tmp_path_factory: pytest.TempPathFactory) -> Flask:
    """The app as deployed: CSRF enforced (the normal test app switches it off)."""
    return sibling_app(app, tmp_path_factory.mktemp("csrf"), WTF_CSRF_ENABLED=True)


@pytest.fixture
def limited_app(app: Flask, tmp_path: Any) -> Iterator[Flask]:
    """Rate limits on, and low. The Limiter is one object shared by every app in the process, so
    switching it on here must be undone afterwards or the rest of the suite would be limited too."""
    was_enabled = limiter.enabled
    limited = sibling_app(
        app,
        tmp_path,
        RATELIMIT_ENABLED=True,
        LTI_RATE_LIMIT="3 per minute",
        VERIFY_RATE_LIMIT="3 per minute",
        RATELIMIT_STORAGE_URI="memory://",
    )
    with limited.app_context():
        limiter.reset()
    yield limited
    with limited.app_context():
        limiter.reset()
    limiter.enabled = was_enabled
