"""Writing a matching run's drafts and unmatched reasons in bulk, in the caller's transaction.

PostgreSQL: one `COPY … FROM STDIN` per table (text format, built in memory), the fastest way
in; SQLite: one `executemany` of a prepared INSERT per table (sqlite3 loops in C). Either way
a national run is two statements, not one per row or per batch of 500.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from itertools import chain, islice
from typing import Any

from lms_plugin.db import db

LINK_COLUMNS = ("helper_id", "mentor_id", "status", "run_id", "created_by_id", "created_at")
REASON_COLUMNS = ("run_id", "helper_id", "reason")
CHUNK = 20_000
TABLES = {("helper_links", LINK_COLUMNS), ("match_unmatched", REASON_COLUMNS)}  # the only targets


def _copy_text(rows: Iterable[Sequence[Any]]) -> str:
    """COPY's text format: tab-separated, `\\N` for NULL (values here hold no tab or newline)."""
    return "".join("\t".join("\\N" if v is None else str(v) for v in row) + "\n" for row in rows)


def bulk_insert(table: str, columns: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> int:
    """Insert `rows` into `table` with the fastest statement the database has; returns the count.

    Rows are consumed as they come (COPY sends a slice of CHUNK rows at a time), so a large run
    never holds its whole text in memory. Only for values the caller made (ids, fixed words,
    UTC datetimes): nothing is quoted for COPY.
    """
    if (table, tuple(columns)) not in TABLES:
        raise ValueError(f"bulk_insert: unknown table or columns {table}")
    connection = db.session.connection()
    raw = connection.connection.driver_connection
    iterator = iter(rows)
    first = list(islice(iterator, CHUNK))
    if not first:
        return 0
    count = 0
    if connection.dialect.name == "postgresql":
        with raw.cursor() as cursor:  # type: ignore[union-attr]
            statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
            with cursor.copy(statement) as copy:
                chunk = first
                while chunk:
                    copy.write(_copy_text(chunk))
                    count += len(chunk)
                    chunk = list(islice(iterator, CHUNK))
        return count
    marks = ", ".join("?" for _ in columns)
    seen = 0

    def counting() -> Iterator[tuple[Any, ...]]:
        nonlocal seen
        for row in chain(first, iterator):
            seen += 1
            yield row

    cursor = raw.cursor()  # type: ignore[union-attr]
    try:
        # Table and column names come from TABLES above, never from input.
        statement = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608
        cursor.executemany(statement, counting())
    finally:
        cursor.close()
    return seen


def stored_datetime(moment: datetime) -> str:
    """A UTC moment the way both databases read it back for a `UTCDateTime` column (SQLite keeps
    SQLAlchemy's text form, PostgreSQL parses the same text with the zone)."""
    utc = moment.astimezone(UTC)
    if db.session.get_bind().dialect.name == "postgresql":
        return utc.isoformat()
    return utc.replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")


def insert_drafts(
    run_id: int, by_id: int | None, pairs: Iterable[tuple[int, int]], now: datetime
) -> int:
    """One draft link per (helper id, mentor id)."""
    at = stored_datetime(now)
    return bulk_insert(
        "helper_links", LINK_COLUMNS, ((h, m, "draft", run_id, by_id, at) for h, m in pairs)
    )


def insert_reasons(run_id: int, reasons: Iterable[tuple[int, str]]) -> int:
    """Why each unmatched helper was left: (helper id, reason code)."""
    return bulk_insert("match_unmatched", REASON_COLUMNS, ((run_id, h, r) for h, r in reasons))
