"""Query-count fixtures: the statements one request sends to the database."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from flask import Flask
from sqlalchemy import event

from lms_plugin.db import db
from tests.lti.conftest import moodle, tool  # noqa: F401 - launch fixtures

SKIPPED = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")


@dataclass
class Statements:
    """What was sent: SQL text with its parameters, in order."""

    sent: list[tuple[str, str]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.sent)

    def repeated(self) -> list[str]:
        """Statements sent twice with the same parameters (one read would have done)."""
        seen: set[tuple[str, str]] = set()
        twice = []
        for item in self.sent:
            if item in seen:
                twice.append(item[0][:160])
            seen.add(item)
        return twice

    def report(self) -> str:
        return "\n".join(sql[:160] for sql, _ in self.sent)


@contextmanager
def count_queries(app: Flask) -> Iterator[Statements]:
    """Record every statement the app's engine executes inside the block (without the test
    suite's snapshot check, which recomputes what a page reads: progress/snapshot.py)."""
    found = Statements()
    checking = app.config.get("PROGRESS_SNAPSHOT_CHECK")
    app.config["PROGRESS_SNAPSHOT_CHECK"] = False

    def listener(_c: Any, _cur: Any, statement: str, params: Any, _ctx: Any, _many: Any) -> None:
        found.sent.append((" ".join(statement.split()), repr(params)))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", listener)
    try:
        yield found
    finally:
        event.remove(engine, "before_cursor_execute", listener)
        app.config["PROGRESS_SNAPSHOT_CHECK"] = checking
