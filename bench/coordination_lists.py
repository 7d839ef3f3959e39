"""Benchmark: every coordination list page, the admin's people list, each dashboard level and the
50,000-row helper CSV at national scale, served by gunicorn as deployed, on PostgreSQL.

Loads `demo national` (100 centres, 1,000 schools, 5,000 mentors, 20,000 trainees, 50,000
helpers) into a schema of its own, adds 300 coordinators with a centre each (the admin's list)
and 100,000 audit rows (two helper exports), then serves the tool with `deploy/gunicorn.conf.py`
and, beside it with the same settings, `bench/bare_lists_app.py`: a bare `SELECT … LIMIT 100`
of helpers with their school and a Jinja render of the same rows (the baseline of every page),
and the same 50,000 helpers streamed as CSV by `csv.writer` (the baseline of the export).

Each list (schools, mentors, helpers, placements, certificates register, audit log, the admin's
coordinators/people) is timed on its first page, a search ("gyor"/"gabor"), a sort and the last
page; then the school autocomplete, the dashboard at country, centre and school level, and the
helper CSV. Tool and baseline alternate (A B A B A B, `--repetitions`), `--samples` requests each
time. Targets (issue 18): every page median <= 150 ms and p95 <= 300 ms; the CSV <= 2 s.

Run: .venv/bin/python -m bench.coordination_lists [--database-url postgresql://...]
(default: BENCH_DATABASE_URL, else the lms_bench database of scripts/services.sh). Prints one
line per measurement on stderr and one JSON document on stdout (for bench/run_all.py).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import bench_app, machine, summary
from bench.server import free_port, gunicorn, session_cookie, use_postgresql

MEDIAN_MS, P95_MS, CSV_MS = 150.0, 300.0, 2000.0
HELPERS = 50_000


def _setup() -> tuple[Any, dict[str, Any]]:
    """The app on its own schema with demo national, the viewer, 300 coordinators, audit rows."""
    from sqlalchemy import select, update

    from lms_plugin.accounts.models import User
    from lms_plugin.coordination.audit import services as audit
    from lms_plugin.coordination.demo import services as demo
    from lms_plugin.coordination.models import CoordinatorGrant, PeerHelper, School, TrainingCentre
    from lms_plugin.db import db

    app = bench_app()
    with app.app_context():
        started = time.perf_counter()
        programme = demo.load_national()
        db.session.commit()
        pid = programme.id
        viewer = db.session.scalars(select(User).order_by(User.id).limit(1)).one()
        viewer.is_coordinator = True
        viewer.is_admin = True
        viewer.name = "Kovács Gábor"
        programme.issuer = viewer.issuer
        db.session.add(CoordinatorGrant(user_id=viewer.id, programme_id=pid))
        # The admin's list: three coordinators per centre, each with their centre.
        centres = list(db.session.scalars(select(TrainingCentre.id).order_by(TrainingCentre.id)))
        people = list(
            db.session.scalars(
                select(User.id).where(User.id != viewer.id).order_by(User.id).limit(300)
            )
        )
        db.session.execute(update(User).where(User.id.in_(people)).values(is_coordinator=True))
        db.session.add_all(
            CoordinatorGrant(user_id=uid, programme_id=pid, centre_id=centres[i % len(centres)])
            for i, uid in enumerate(people)
        )
        # The audit log as after two national exports (one row per helper each).
        for _ in range(2):
            audit.record_many(viewer.id, audit.EXPORT, select(PeerHelper.id, PeerHelper.school_id))
        db.session.commit()
        demo.analyze()
        db.session.commit()
        school = db.session.scalars(
            select(School).where(School.programme_id == pid).order_by(School.id).limit(1)
        ).one()
        facts = {
            "pid": pid,
            "uid": viewer.id,
            "sid": school.id,
            "cid": school.centre_id,
            "load_s": round(time.perf_counter() - started, 1),
            "database": db.engine.dialect.name,
        }
    return app, facts


def pages(pid: int, cid: int, sid: int) -> dict[str, tuple[str, str]]:
    """label → (role, path) of every page measured."""
    p = f"programme={pid}"
    c = "coordinator"
    return {
        "schools, first page": (c, f"/coordination/schools?{p}"),
        "schools, search 'gyor'": (c, f"/coordination/schools?{p}&q=gyor"),
        "schools, sort by town desc": (c, f"/coordination/schools?{p}&sort=-municipality"),
        "schools, last page": (c, f"/coordination/schools?{p}&page=9999"),
        "school autocomplete 'gyor'": (c, f"/coordination/schools/lookup.json?{p}&q=gyor"),
        "mentors, first page": (c, f"/coordination/mentors?{p}"),
        "mentors, search 'gabor'": (c, f"/coordination/mentors?{p}&q=gabor"),
        "mentors, sort by school": (c, f"/coordination/mentors?{p}&sort=school"),
        "mentors, last page": (c, f"/coordination/mentors?{p}&page=9999"),
        "helpers, first page": (c, f"/coordination/helpers?{p}"),
        "helpers, search 'gyor'": (c, f"/coordination/helpers?{p}&q=gyor"),
        "helpers, search 'anna'": (c, f"/coordination/helpers?{p}&q=anna"),
        "helpers, sort by name desc": (c, f"/coordination/helpers?{p}&sort=-name"),
        "helpers, last page": (c, f"/coordination/helpers?{p}&page=9999"),
        "placements, first page": (c, f"/coordination/placements?{p}"),
        "placements, search 'gyor'": (c, f"/coordination/placements?{p}&q=gyor"),
        "placements, sort by mentor": (c, f"/coordination/placements?{p}&sort=mentor"),
        "placements, last page": (c, f"/coordination/placements?{p}&page=9999"),
        "certificates, first page": (c, "/certificates"),
        "certificates, search 'gabor'": (c, "/certificates?q=gabor"),
        "certificates, sort by holder": (c, "/certificates?sort=holder"),
        "certificates, last page": (c, "/certificates?page=9999"),
        "audit log, first page": (c, "/coordination/audit"),
        "audit log, actor 'gabor'": (c, "/coordination/audit?actor=gabor"),
        "audit log, oldest first": (c, "/coordination/audit?sort=at"),
        "audit log, last page": (c, "/coordination/audit?page=99999"),
        "admin people, first page": ("admin", "/admin/coordinators"),
        "admin people, search 'gabor'": ("admin", "/admin/coordinators?q=gabor"),
        "admin people, sort by name desc": ("admin", "/admin/coordinators?sort=-name"),
        "admin people, last page": ("admin", "/admin/coordinators?page=9999"),
        "dashboard, country": (c, f"/coordination/?{p}"),
        "dashboard, centre": (c, f"/coordination/?{p}&centre={cid}"),
        "dashboard, school": (c, f"/coordination/?{p}&school={sid}"),
    }


def _sample(http: requests.Session, url: str, cookie: str | None, n: int) -> list[float]:
    """`n` sequential GETs, whole body read; milliseconds. A non-200 stops the benchmark."""
    out = []
    for _ in range(n):
        http.cookies.clear()  # only the role's own cookie, never one the server set earlier
        start = time.perf_counter()
        response = http.get(url, cookies={"lms_session": cookie} if cookie else None, timeout=60)
        body = response.content
        out.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200 or not body:
            raise SystemExit(f"{url}: HTTP {response.status_code}")
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--repetitions", type=int, default=3)
    parser.add_argument("--samples", type=int, default=5, help="requests per page per repetition")
    parser.add_argument("--only", default="", help="measure only labels containing this text")
    args = parser.parse_args()
    if args.database_url:
        os.environ["BENCH_DATABASE_URL"] = args.database_url
    use_postgresql()
    app, facts = _setup()
    cookies = {
        role: session_cookie(app, facts["uid"], role, None) for role in ("coordinator", "admin")
    }
    targets = {
        k: v for k, v in pages(facts["pid"], facts["cid"], facts["sid"]).items() if args.only in k
    }
    csv_path = f"/coordination/helpers.csv?programme={facts['pid']}"
    log = sys.stderr
    print(f"coordination lists at national scale ({facts['database']}; {machine()})", file=log)
    print(f"  demo national load and setup: {facts['load_s']} s", file=log)
    tool_samples: dict[str, list[float]] = {k: [] for k in targets}
    base_samples: list[float] = []
    csv_samples: list[float] = []
    csv_base: list[float] = []
    rows_shown: dict[str, int] = {}
    with (
        gunicorn(app, free_port()) as tool,
        gunicorn(app, free_port(), app_spec="bench.bare_lists_app:create_app()") as bare,
        requests.Session() as http,
    ):
        for label, (role, path) in targets.items():  # warm every worker, count the rows shown
            _sample(http, tool + path, cookies[role], 3)
            http.cookies.clear()
            body = http.get(tool + path, cookies={"lms_session": cookies[role]}).text
            rows_shown[label] = (
                body.count("<tr") - body.count("<thead") + body.count('<li class="mb-3">')
            )
        _sample(http, bare + "/", None, 3)
        http.cookies.clear()
        exported = http.get(tool + csv_path, cookies={"lms_session": cookies["coordinator"]})
        csv_lines = exported.text.count("\n") - 1
        for _ in range(args.repetitions):  # A B A B: each page, then the baseline
            for label, (role, path) in targets.items():
                tool_samples[label] += _sample(http, tool + path, cookies[role], args.samples)
                base_samples += _sample(http, bare + "/", None, args.samples)
            if not args.only or "csv" in args.only:
                csv_samples += _sample(http, tool + csv_path, cookies["coordinator"], 2)
                csv_base += _sample(http, bare + "/helpers.csv", None, 2)
    baseline = summary(base_samples)
    results: dict[str, Any] = {}
    ok = True
    for label, samples in tool_samples.items():
        stats = summary(samples)
        good = stats["median_ms"] <= MEDIAN_MS and stats["p95_ms"] <= P95_MS
        ok = ok and good
        results[label] = {**stats, "rows": rows_shown[label], "pass": good}
        print(
            f"  {'PASS' if good else 'FAIL'} {label:34s} median {stats['median_ms']:6.0f} ms"
            f"  p95 {stats['p95_ms']:6.0f} ms  ({rows_shown[label]} table rows)",
            file=log,
        )
    print(
        f"  baseline: SELECT … LIMIT 100 + render, same gunicorn: median "
        f"{baseline['median_ms']:.0f} ms, p95 {baseline['p95_ms']:.0f} ms",
        file=log,
    )
    export: dict[str, Any] = {}
    if csv_samples:
        export = dict(summary(csv_samples))
        export_base = summary(csv_base)
        good = export["median_ms"] <= CSV_MS and export["p95_ms"] <= CSV_MS and csv_lines >= HELPERS
        ok = ok and good
        export.update({"lines": csv_lines, "pass": good, "baseline": export_base})
        print(
            f"  {'PASS' if good else 'FAIL'} helper CSV ({csv_lines} rows) median "
            f"{export['median_ms']:.0f} ms, p95 {export['p95_ms']:.0f} ms; baseline csv.writer "
            f"median {export_base['median_ms']:.0f} ms",
            file=log,
        )
    worst = max(results, key=lambda k: results[k]["p95_ms"]) if results else ""
    print("  PASS" if ok else "  FAIL", file=log)
    json.dump(
        {
            "database": facts["database"],
            "machine": machine(),
            "pages": results,
            "baseline_page": baseline,
            "helper_csv": export,
            "worst": worst,
            "target": {"median_ms": MEDIAN_MS, "p95_ms": P95_MS, "csv_ms": CSV_MS},
            "pass": ok,
        },
        sys.stdout,
        indent=1,
    )
    print()
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
