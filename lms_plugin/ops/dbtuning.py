"""Connection settings per backend: SQLite gets WAL and a busy timeout so concurrent writers wait.

Without WAL a reader blocks a writer and the default busy timeout is 0 s, so two gunicorn workers
writing heartbeats at the same moment fail with "database is locked". PostgreSQL needs nothing here
(pool_pre_ping is in the engine options).
"""

from __future__ import annotations

import sqlite3
from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

# Below gunicorn's 30 s worker timeout: a writer gives up (and the request says so) before the
# worker is killed.
DEFAULT_BUSY_TIMEOUT_MS = 15_000
_settings: dict[str, int] = {"busy_timeout_ms": DEFAULT_BUSY_TIMEOUT_MS}


def _on_connect(dbapi_connection: Any, connection_record: Any) -> None:
    """Tune every new SQLite connection; other drivers are left alone."""
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    try:
        # busy_timeout first: switching to WAL itself needs a lock another process may hold.
        cursor.execute(f"PRAGMA busy_timeout = {int(_settings['busy_timeout_ms'])}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
    finally:
        cursor.close()


def register(app: Flask) -> None:
    """Install the connect listener once per process (it applies to every engine)."""
    _settings["busy_timeout_ms"] = int(
        app.config.get("SQLITE_BUSY_TIMEOUT_MS", DEFAULT_BUSY_TIMEOUT_MS)
    )
    if not event.contains(Engine, "connect", _on_connect):
        event.listen(Engine, "connect", _on_connect)
