"""Serialising writers that must not interleave: a row lock that works on SQLite and PostgreSQL.

PostgreSQL: `SELECT … FOR UPDATE` on the row; a second transaction waits at the same statement
until the first commits, and (READ COMMITTED) its later statements see what the first wrote.
SQLite has no row locks: the whole database has one writer at a time. pysqlite runs reads outside
any transaction and opens one (deferred) before the first write, so a transaction that has not
written yet takes the write lock now with `BEGIN IMMEDIATE` (waiting up to the busy timeout);
one that has written already holds it. Either way no other writer can slip in between this
transaction's check and its write.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from lms_plugin.db import db


def lock_row(model: Any, pk: Any) -> None:
    """Hold `model` row `pk` (or, on SQLite, the database) for writing until the transaction ends.

    Call it before reading the facts a check depends on (a count, a "does it exist"), and read
    them with queries afterwards, not from objects loaded before the lock.
    """
    connection = db.session.connection()
    if connection.dialect.name == "sqlite":
        raw = connection.connection.dbapi_connection
        if raw is not None and not getattr(raw, "in_transaction", True):
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        return
    table = model.__table__
    key = next(iter(table.primary_key.columns))
    connection.execute(select(key).where(key == pk).with_for_update())
