"""/healthz: one statement per call, the migration head read once, no statement-cache growth."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from lms_plugin.db import db
from lms_plugin.migrations_state import head_revision
from tests.performance.conftest import count_queries


def test_healthz_answers_from_one_statement_without_growing_caches(
    app: Flask, client: FlaskClient
) -> None:
    assert client.get("/healthz").status_code == 200
    with app.app_context():
        compiled = db.engine._compiled_cache  # SQLAlchemy's statement cache
    size = len(compiled) if compiled is not None else 0
    reads = head_revision.cache_info().misses
    with count_queries(app) as found:
        for _ in range(30):
            response = client.get("/healthz")
            assert response.status_code == 200
            assert response.get_json()["migration"] == response.get_json()["head"]
    # one for the revision, one for the CSP frame-ancestors every response carries
    assert len(found) == 60, found.report()
    assert sum("alembic_version" in sql for sql, _ in found.sent) == 30
    assert head_revision.cache_info().misses == reads  # the scripts are not read again
    assert (len(compiled) if compiled is not None else 0) == size
