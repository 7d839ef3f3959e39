"""Scratch databases for tests that need a second, empty one: SQLite file or PostgreSQL schema."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

import sqlalchemy as sa
from flask import Flask
from flask_migrate import upgrade

from lms_plugin.db import db
from lms_plugin.ops.codec import encode
from tests.conftest import MIGRATIONS, make_test_app


def pg_url() -> str:
    """The PostgreSQL the CI's second pass uses (only called from tests marked `postgres`)."""
    url = os.environ["TEST_DATABASE_URL"]
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


@contextmanager
def scratch_url(kind: str, tmp: Path) -> Iterator[str]:
    """An empty database: `sqlite` (a new file) or `postgresql` (a new schema, dropped after)."""
    if kind == "sqlite":
        yield f"sqlite:///{tmp / f'scratch-{secrets.token_hex(4)}.sqlite'}"
        return
    schema = f"scratch_{secrets.token_hex(4)}"
    engine = sa.create_engine(pg_url())
    with engine.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in pg_url() else "?"
    try:
        yield f"{pg_url()}{sep}options={quote(f'-csearch_path={schema}')}"
    finally:
        with engine.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


def migrated_app(instance: Path, url: str, **overrides: Any) -> Flask:
    """An app on `url`, upgraded to head, with its tool key."""
    from lms_plugin.lti import keys

    app = make_test_app(instance, SQLALCHEMY_DATABASE_URI=url, **overrides)
    with app.app_context():
        upgrade(directory=MIGRATIONS)
        keys.ensure_key()
    return app


def dispose(app: Flask) -> None:
    """Close the app's connections (so a scratch schema can be dropped)."""
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def snapshot(app: Flask) -> dict[str, list[dict[str, Any]]]:
    """Every table's rows in primary-key order, values in their portable JSON form."""
    out: dict[str, list[dict[str, Any]]] = {}
    with app.app_context(), db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            order = list(table.primary_key.columns) or list(table.columns)
            rows = conn.execute(sa.select(table).order_by(*order)).mappings()
            out[table.name] = [{k: _normal(v) for k, v in r.items()} for r in rows]
    return out


def _normal(value: Any) -> Any:
    value = encode(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
