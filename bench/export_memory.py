"""Benchmark: memory and audit of the 50,000-row helper export (CSV and .xlsx), in process.

Loads `demo national` (50,000 helpers) into a scratch database (`bench.common.bench_app`), signs a
coordinator of the whole programme in, then downloads `/coordination/helpers.csv` as CSV and as
.xlsx through the test client, reading the streamed body piece by piece. For each download it
reports the body size, the number of pieces, the seconds, the growth of the process's peak RSS
(VmHWM, reset before the request), the Python heap's peak (tracemalloc, a second run), and the
audit rows and audit INSERT statements the export wrote. Target: memory does not grow with the
rows (a few MB for 50,000 helpers), one audit statement per export.

Run: .venv/bin/python -m bench.export_memory (BENCH_DATABASE_URL for PostgreSQL). Prints one JSON
document on stdout.
"""

from __future__ import annotations

import json
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, func, select

from bench.common import bench_app


def _status_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise KeyError(field)


def _reset_peak() -> None:
    Path("/proc/self/clear_refs").write_text("5")  # Linux: VmHWM starts again from VmRSS


def _setup() -> tuple[Flask, FlaskClient, int]:
    from lms_plugin.accounts.models import User
    from lms_plugin.coordination.demo import services as demo
    from lms_plugin.coordination.models import CoordinatorGrant
    from lms_plugin.db import db

    app = bench_app()
    with app.app_context():
        programme = demo.load_national()
        viewer = db.session.scalars(select(User).order_by(User.id).limit(1)).one()
        viewer.is_coordinator = True
        programme.issuer = viewer.issuer
        db.session.add(CoordinatorGrant(user_id=viewer.id, programme_id=programme.id))
        db.session.commit()
        demo.analyze()
        db.session.commit()
        pid, uid = programme.id, viewer.id
    client = app.test_client()
    with client.session_transaction() as session:
        launch = {"role": "coordinator", "context_pk": None, "resource_link_pk": None}
        session.update({"_user_id": str(uid), "_fresh": True, "lang": "hu", "launch": launch})
    return app, client, pid


def _download(client: FlaskClient, url: str) -> tuple[int, int]:
    """Bytes and pieces of a streamed body, read as a browser would (never joined)."""
    response = client.get(url, buffered=False)
    assert response.status_code == 200, (url, response.status_code)
    size = pieces = 0
    for piece in response.response:
        size += len(piece)
        pieces += 1
    response.close()
    return size, pieces


def main() -> None:
    from lms_plugin.coordination.models import HelperAuditLog
    from lms_plugin.db import db

    app, client, pid = _setup()
    inserts: list[str] = []
    with app.app_context():
        engine = db.engine

        @event.listens_for(engine, "before_cursor_execute")
        def _seen(_c: Any, _cur: Any, statement: str, *_rest: Any) -> None:
            if statement.lstrip().upper().startswith("INSERT") and "helper_audit" in statement:
                inserts.append(statement)

    def audit_rows() -> int:
        with app.app_context():
            return int(db.session.scalar(select(func.count()).select_from(HelperAuditLog)) or 0)

    out: dict[str, Any] = {"database": engine.dialect.name}
    for fmt in ("csv", "xlsx"):
        url = f"/coordination/helpers.csv?programme={pid}&format={fmt}"
        rows, statements = audit_rows(), len(inserts)
        before = _status_mb("VmRSS")
        _reset_peak()
        started = time.perf_counter()
        size, pieces = _download(client, url)
        seconds = time.perf_counter() - started
        peak = _status_mb("VmHWM")
        tracemalloc.start()
        _download(client, url)
        heap_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        out[fmt] = {
            "body_mb": round(size / 1e6, 1),
            "pieces": pieces,
            "seconds": round(seconds, 2),
            "rss_before_mb": round(before),
            "rss_peak_growth_mb": round(peak - before, 1),
            "python_heap_peak_mb": round(heap_peak / 1e6, 1),
            "audit_rows_per_export": (audit_rows() - rows) // 2,
            "audit_statements_per_export": (len(inserts) - statements) / 2,
        }
        print(fmt, out[fmt], file=sys.stderr)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
