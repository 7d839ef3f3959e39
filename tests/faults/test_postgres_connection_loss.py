"""PostgreSQL drops the app's connections between requests (a restart, a failover, an idle
timeout): the next request still succeeds, because the pool pings before use (pool_pre_ping)."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from lms_plugin.config import Defaults
from lms_plugin.db import db
from tests.faults.databases import dispose, pg_url
from tests.security.conftest import sibling_app
from tests.security.world import seed_world

pytestmark = pytest.mark.postgres


def _terminate(application_name: str) -> int:
    admin = sa.create_engine(pg_url())
    try:
        with admin.begin() as conn:
            return len(
                conn.execute(
                    sa.text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE application_name = :name AND pid <> pg_backend_pid()"
                    ),
                    {"name": application_name},
                ).all()
            )
    finally:
        admin.dispose()


def test_requests_survive_terminated_backends(app: Flask, tmp_path: Path) -> None:
    assert Defaults.SQLALCHEMY_ENGINE_OPTIONS["pool_pre_ping"] is True
    name = f"lms-fault-{secrets.token_hex(4)}"
    options = {**Defaults.SQLALCHEMY_ENGINE_OPTIONS, "connect_args": {"application_name": name}}
    tagged = sibling_app(app, tmp_path, SQLALCHEMY_ENGINE_OPTIONS=options)
    try:
        with tagged.app_context():
            world = seed_world()
            browser = world.client(tagged, "trainee")  # reads the user's session version
        for round_no in range(3):
            page = browser.get("/progress/", base_url="https://tool.test")
            assert page.status_code == 200, round_no
            beat = browser.post(
                "/progress/heartbeat",
                json={"module_id": world.ids["module_id"], "visible": True},
                base_url="https://tool.test",
            )
            assert beat.status_code == 200, beat.get_data(as_text=True)[:300]
            assert _terminate(name) >= 1, "the app's pooled connection was there to kill"
        health = tagged.test_client().get("/healthz", base_url="https://tool.test")
        assert health.status_code == 200 and health.get_json()["database"] == "ok"
    finally:
        dispose(tagged)
    with app.app_context():
        db.session.remove()
