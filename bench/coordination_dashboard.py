"""Benchmark: the coverage dashboard and the helper CSV export at national scale.

Loads the national demo set (100 centres, 1,000 schools, 5,000 mentors, 20,000 trainees,
50,000 helpers) into a fresh database, then times, warm, the median of several runs of:
the coverage aggregation, the whole dashboard page, and the streamed 50,000-row helper export.
Targets: dashboard <= 300 ms, export <= 2 s.

Run: .venv/bin/python bench/coordination_dashboard.py [--database-url postgresql://...]
(default: a SQLite file in a temporary folder).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade

from lms_plugin import create_app
from lms_plugin.accounts.current import SESSION_KEY
from lms_plugin.accounts.models import User
from lms_plugin.coordination import dashboard, demo
from lms_plugin.db import db

DASHBOARD_TARGET_S = 0.300
EXPORT_TARGET_S = 2.0
MIGRATIONS = str(Path(__file__).resolve().parent.parent / "migrations")


def median_time(fn: Callable[[], object], runs: int) -> float:
    fn()  # warm up (template compilation, caches)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="coordination-bench-"))
    url = args.database_url or f"sqlite:///{tmp / 'bench.sqlite'}"
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench-" + "x" * 40,
            "TESTING": True,
            "WTF_CSRF_ENABLED": False,
            "SERVER_NAME": "bench.test",
            "LOG_LEVEL": "WARNING",
        },
        instance_path=str(tmp),
    )
    with app.app_context():
        upgrade(directory=MIGRATIONS)
        started = time.perf_counter()
        programme = demo.load_national()
        db.session.commit()
        demo.analyze()
        db.session.commit()
        load_s = time.perf_counter() - started
        pid = programme.id
        coordinator = db.session.scalars(db.select(User).limit(1)).one()
        coordinator.is_coordinator = True
        db.session.commit()
        uid = coordinator.id
        aggregate_s = median_time(
            lambda: dashboard.coverage(dashboard.DashboardFilter(pid)), args.runs
        )

    client = app.test_client()
    with client.session_transaction() as sess:
        sess["_user_id"] = str(uid)
        sess["_fresh"] = True
        sess[SESSION_KEY] = {
            "role": "coordinator",
            "context_pk": None,
            "resource_link_pk": None,
            "target": "home",
        }

    def page() -> None:
        response = client.get(f"/coordination/?programme={pid}")
        assert response.status_code == 200, response.status_code

    exported: list[int] = []

    def export() -> None:
        response = client.get(f"/coordination/helpers.csv?programme={pid}")
        assert response.status_code == 200, response.status_code
        exported.append(response.get_data().count(b"\n") - 1)

    page_s = median_time(page, args.runs)
    export_s = median_time(export, max(1, args.runs // 2))
    backend = url.split(":", 1)[0]
    print(f"coordination dashboard at national scale ({backend})")
    print(f"  demo national load: {load_s:.1f} s")
    print(f"  coverage aggregation: {aggregate_s * 1000:.0f} ms")
    print(f"  dashboard page (GET, rendered): {page_s * 1000:.0f} ms (target <= 300 ms)")
    print(f"  helper CSV export, {exported[-1]} rows streamed: {export_s:.2f} s (target <= 2 s)")
    ok = page_s <= DASHBOARD_TARGET_S and export_s <= EXPORT_TARGET_S and exported[-1] == 50_000
    print("  PASS" if ok else "  FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
