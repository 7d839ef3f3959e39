"""Benchmark: the service year at national scale — the outcome dashboard and the year report job.

Loads the national demo set (100 centres, 1,000 schools, 5,000 mentors, 50,000 helpers) and a
school year of logbooks (`flask demo service-year`), then times, warm: the outcome dashboard page
(target p95 <= 300 ms) and the year report as a background job, .xlsx and PDF (target <= 10 s).

Run: .venv/bin/python -m bench.service_year [--database-url postgresql://...]
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
from lms_plugin.coordination.demo import services as demo
from lms_plugin.coordination.models import CoordinatorGrant
from lms_plugin.db import db
from lms_plugin.service.demo import Loaded
from lms_plugin.service.models import (
    MonthlySummary,
    OutcomeFigures,
    Referral,
    SupervisionMeeting,
    TrainingSession,
)

PAGE_TARGET_MS = 300.0
REPORT_TARGET_S = 10.0


def loaded_counts() -> Loaded:
    """What the demo's service year holds (rows per kind)."""

    def count(model: object) -> int:
        return int(db.session.scalar(db.select(db.func.count()).select_from(model)) or 0)

    return Loaded(
        sessions=count(TrainingSession),
        meetings=count(SupervisionMeeting),
        summaries=count(MonthlySummary),
        referrals=count(Referral),
        outcomes=count(OutcomeFigures),
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    if args.database_url:
        os.environ["BENCH_DATABASE_URL"] = args.database_url
    app = bench_app()
    with app.app_context():
        backend = db.engine.dialect.name
        started = time.perf_counter()
        programme = demo.load_national()  # its DemoProgrammeLoaded event fills the service year
        db.session.commit()
        loaded = loaded_counts()
        demo.analyze()
        db.session.commit()
        load_s = time.perf_counter() - started
        pid = programme.id
        coordinator = db.session.scalars(db.select(User).limit(1)).one()
        coordinator.is_coordinator = True
        db.session.add(CoordinatorGrant(user_id=coordinator.id, programme_id=pid))
        db.session.commit()
        uid = coordinator.id

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
        response = client.get(f"/service/outcomes?programme={pid}")
        assert response.status_code == 200, response.status_code

    page_t = timed(page, args.runs)
    reports: dict[str, float] = {}
    from lms_plugin.jobs.services import run_due_jobs

    for fmt in ("xlsx", "pdf"):
        queued = client.post(f"/service/report?programme={pid}&fmt={fmt}", data={"lang": "hu"})
        assert queued.status_code == 303, queued.status_code
        started = time.perf_counter()
        assert run_due_jobs(app) == 1
        reports[fmt] = time.perf_counter() - started
        state = client.get(queued.headers["Location"] + ".json").get_json()
        assert state.get("download_url"), state
    print(f"service year at national scale ({backend}; {machine()})")
    print(
        f"  load: {load_s:.1f} s ({loaded.sessions} sessions, {loaded.meetings} meetings, "
        f"{loaded.summaries} summaries, {loaded.referrals} referrals)"
    )
    print(
        f"  outcome dashboard (GET, rendered): median {page_t['median_ms']:.0f} ms, "
        f"p95 {page_t['p95_ms']:.0f} ms (target <= 300 ms)"
    )
    for fmt, seconds in reports.items():
        print(f"  year report job, {fmt}: {seconds:.2f} s (target <= 10 s)")
    ok = page_t["p95_ms"] <= PAGE_TARGET_MS and max(reports.values()) <= REPORT_TARGET_S
    print("  PASS" if ok else "  FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
