"""Benchmark: the coverage dashboard and the helper CSV export at national scale.

Loads the national demo set (100 centres, 1,000 schools, 5,000 mentors, 20,000 trainees,
50,000 helpers) into a fresh database, then times, warm, the median of several runs of:
the coverage aggregation, the whole dashboard page, and the streamed 50,000-row helper export.
Targets: dashboard <= 300 ms, export <= 2 s.

Run: .venv/bin/python -m bench.coordination_dashboard [--database-url postgresql://...]
(default: BENCH_DATABASE_URL, else a SQLite file in a temporary folder).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import bench_app, machine, timed
from lms_plugin.accounts.current import SESSION_KEY
from lms_plugin.accounts.models import User
from lms_plugin.coordination.dashboard import services as dashboard
from lms_plugin.coordination.demo import services as demo
from lms_plugin.db import db

DASHBOARD_TARGET_MS = 300.0
EXPORT_TARGET_MS = 2000.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    if args.database_url:
        os.environ["BENCH_DATABASE_URL"] = args.database_url
    app = bench_app()
    with app.app_context():
        backend = db.engine.dialect.name
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
        aggregate = timed(lambda: dashboard.coverage(dashboard.DashboardFilter(pid)), args.runs)

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

    page_t = timed(page, args.runs)
    export_t = timed(export, max(1, args.runs // 2), warmup=1)
    print(f"coordination dashboard at national scale ({backend}; {machine()})")
    print(f"  demo national load: {load_s:.1f} s")
    print(f"  coverage aggregation: median {aggregate['median_ms']:.0f} ms")
    print(
        f"  dashboard page (GET, rendered): median {page_t['median_ms']:.0f} ms, "
        f"p95 {page_t['p95_ms']:.0f} ms (target <= 300 ms)"
    )
    print(
        f"  helper CSV export, {exported[-1]} rows streamed: median "
        f"{export_t['median_ms'] / 1000:.2f} s (target <= 2 s)"
    )
    ok = (
        page_t["median_ms"] <= DASHBOARD_TARGET_MS
        and export_t["median_ms"] <= EXPORT_TARGET_MS
        and exported[-1] == 50_000
    )
    print("  PASS" if ok else "  FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
