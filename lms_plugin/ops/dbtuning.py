"""Connection settings per backend: SQLite gets WAL and a busy timeout so concurrent writers wait.

Without WAL a reader blocks a writer and the default busy timeout is 0 s, so two gunicorn workers
writing heartbeats at the same moment fail with "database is locked". PostgreSQL needs nothing here
(pool_pre_ping is in the engine options).
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from lms_plugin.private_files import private_dir, tighten

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
        # The file holds minors' data: 0600 before WAL is switched on, because SQLite creates the
        # -wal and -shm files with the database file's permissions.
        for _seq, name, filename in cursor.execute("PRAGMA database_list").fetchall():
            if name == "main" and filename:
                for suffix in ("", "-wal", "-shm", "-journal"):
                    tighten(Path(filename + suffix))
        # busy_timeout first: switching to WAL itself needs a lock another process may hold.
        cursor.execute(f"PRAGMA busy_timeout = {int(_settings['busy_timeout_ms'])}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        # Deleted rows (an erased helper) are overwritten with zeros, not left in free pages.
        cursor.execute("PRAGMA secure_delete = ON")
    finally:
        cursor.close()


def _before_connect(dialect: Any, conn_rec: Any, cargs: Any, cparams: Any) -> None:
    """Create a new SQLite file 0600 (in a 0700 folder) before SQLite creates it 0644."""
    if getattr(dialect, "name", "") != "sqlite" or not cargs:
        return
    filename = str(cargs[0])
    if not filename or filename == ":memory:" or filename.startswith("file:"):
        return
    path = Path(filename)
    if path.exists():
        return
    try:
        if not path.parent.exists():
            private_dir(path.parent)
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        return


def register(app: Flask) -> None:
    """Install the connect listener once per process (it applies to every engine)."""
    _settings["busy_timeout_ms"] = int(
        app.config.get("SQLITE_BUSY_TIMEOUT_MS", DEFAULT_BUSY_TIMEOUT_MS)
    )
    if not event.contains(Engine, "connect", _on_connect):
        event.listen(Engine, "connect", _on_connect)
    if not event.contains(Engine, "do_connect", _before_connect):
        event.listen(Engine, "do_connect", _before_connect)
