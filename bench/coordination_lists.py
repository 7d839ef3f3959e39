"""Benchmark: every coordination list page and each dashboard level at national scale.

Loads the national demo set into a fresh database, then times (warm; median and p95 of --runs)
each list's first page, a search, a sort, the last page, the school autocomplete, and the
dashboard at country, centre and school level. Target (issue 18): median <= 150 ms and
p95 <= 300 ms on PostgreSQL.

Run: .venv/bin/python -m bench.coordination_lists [--database-url postgresql://...]
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
from lms_plugin.coordination.models import CoordinatorGrant, School
from lms_plugin.db import db

MEDIAN_MS, P95_MS = 150.0, 300.0


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
        # A coordinator of the whole programme, in the programme's own tenant.
        programme.issuer = coordinator.issuer
        db.session.add(CoordinatorGrant(user_id=coordinator.id, programme_id=pid))
        db.session.commit()
        uid = coordinator.id
        school = db.session.scalars(
            db.select(School).where(School.programme_id == pid).limit(1)
        ).one()
        sid, cid = school.id, school.centre_id
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
    p = f"programme={pid}"
    pages = {
        "schools, first page": f"/coordination/schools?{p}",
        "schools, search 'gyor'": f"/coordination/schools?{p}&q=gyor",
        "schools, sort by town desc": f"/coordination/schools?{p}&sort=-municipality",
        "schools, last page": f"/coordination/schools?{p}&page=9999",
        "school autocomplete 'gyor'": f"/coordination/schools/lookup.json?{p}&q=gyor",
        "mentors, first page": f"/coordination/mentors?{p}",
        "mentors, search 'gabor'": f"/coordination/mentors?{p}&q=gabor",
        "mentors, sort by school": f"/coordination/mentors?{p}&sort=school",
        "mentors, last page": f"/coordination/mentors?{p}&page=9999",
        "placements, first page": f"/coordination/placements?{p}",
        "placements, expiring": f"/coordination/placements?{p}&status=expiring",
        "helpers, first page": f"/coordination/helpers?{p}",
        "helpers, search 'anna'": f"/coordination/helpers?{p}&q=anna",
        "helpers, sort by name": f"/coordination/helpers?{p}&sort=name",
        "helpers, last page": f"/coordination/helpers?{p}&page=9999",
        "certificates, first page": "/certificates",
        "certificates, search 'gabor'": "/certificates?q=gabor",
        "certificates, last page": "/certificates?page=9999",
        "audit log, first page": "/coordination/audit",
        "dashboard, country": f"/coordination/?{p}",
        "dashboard, centre": f"/coordination/?{p}&centre={cid}",
        "dashboard, school": f"/coordination/?{p}&school={sid}",
    }
    print(f"coordination lists at national scale ({backend}; {machine()})")
    print(f"  demo national load: {load_s:.1f} s")
    ok = True
    for label, url in pages.items():

        def get(url: str = url) -> None:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        t = timed(get, args.runs)
        good = t["median_ms"] <= MEDIAN_MS and t["p95_ms"] <= P95_MS
        ok = ok and good
        print(
            f"  {label:32s} median {t['median_ms']:6.0f} ms  p95 {t['p95_ms']:6.0f} ms"
            f"{'' if good else '  (over target)'}"
        )
    print("  PASS" if ok else "  FAIL (targets are for PostgreSQL)")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
