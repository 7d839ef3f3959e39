"""Benchmark: the matcher end to end with a database (read, solve, write drafts, commit).

Three sizes in one database: the pilot (`demo pilot`: 24 schools, 81 mentors, 216 helpers), the
national set (`demo national`: 100 centres, 1,000 schools, 5,000 mentors, 50,000 helpers) and
ten times the national set for the matcher (1,000 centres, 10,000 schools, 50,000 mentors,
500,000 helpers; loaded as ten national slices joined into one programme, so the loader never
holds more than one slice). About 60 % of the helpers are already linked, as in the demo; the
rest wait for the matcher.

Each measurement runs in a fresh child process, alternating, three repetitions
(`bench.common.interleaved`):
- tool: `matching.run_timed` + commit (what POST /coordination/match does);
- baseline "read + bulk write": the same columns read with plain SQL into tuples, and the same
  number of draft and unmatched rows written by the fastest bulk method (COPY on PostgreSQL,
  executemany on SQLite) + commit: the database work nobody can skip;
- baseline "bare OR-Tools": only the min-cost flow solves of the same groups of schools, the
  graphs built beforehand (the solver work nobody can skip).
Before each sample the earlier drafts are dropped (untimed), so every sample starts from the
same state: the first run of a school year. Memory: the peak RSS of the whole process (the app,
SQLAlchemy, numpy and OR-Tools included, ~170 MB before the run) during the run (`VmHWM`, reset
just before it; `process_peak_rss_mb` also counts the app's start-up).

Targets at national scale: <= 2 s end to end and <= 300 MB peak RSS.

Run: .venv/bin/python -m bench.coordination_matcher [--sizes pilot national 10x]
(BENCH_DATABASE_URL: PostgreSQL in a schema of its own; unset: a SQLite file.)
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, bench_app, database_kind, interleaved, machine

TARGET_SECONDS = 2.0
TARGET_RSS_MB = 300.0
SIZES = ("pilot", "national", "10x")
SLICES_10X = 10


def _mb(kib: int) -> float:
    return round(kib / 1024, 1)  # Linux reports ru_maxrss in KiB


def _rss_now_mb() -> float:
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return round(pages * os.sysconf("SC_PAGE_SIZE") / 2**20, 1)


def _reset_peak() -> None:
    """Start the process's peak RSS (VmHWM) afresh: app start-up (catalogues, course content)
    peaks higher than a small run, and that is not the run's memory."""
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")


def _peak_mb() -> float:
    """Peak RSS since `_reset_peak` (the whole process: app, libraries and the run)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    return _mb(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


# --- loading (parent process) -------------------------------------------------------------


def _quiet_demo_events() -> None:
    """The service year's demo data (logbooks, referrals) is not read by the matcher; leave it
    out so loading 10x stays minutes, not hours."""
    from lms_plugin import events

    events._handlers[events.DemoProgrammeLoaded] = []


def load_sizes(sizes: list[str]) -> dict[str, int]:
    """Load each size (its own programme); returns programme ids."""
    from sqlalchemy import text

    from lms_plugin.coordination.demo import rows
    from lms_plugin.coordination.demo import services as demo
    from lms_plugin.db import db

    _quiet_demo_events()
    found: dict[str, int] = {}
    for size in sizes:
        started = time.perf_counter()
        if size == "pilot":
            found[size] = demo.load_pilot().id
        elif size == "national":
            found[size] = demo.load_national(seed=7).id
        else:
            scale = demo.Scale("Matcher bench 10x", 5_000, 10, 50_000, 4, 0.1, 0.6)
            first = None
            for n in range(SLICES_10X):
                rng = random.Random(100 + n)
                part = demo.load(scale, rows.national_centres(rng), seed=100 + n)
                db.session.commit()
                if first is None:
                    first = part.id
                    continue
                for table in ("training_centres", "schools"):
                    db.session.execute(
                        text(
                            f"UPDATE {table} SET code = code || '-' || :n, programme_id = :first "
                            "WHERE programme_id = :part"
                        ),
                        {"n": str(n), "first": first, "part": part.id},
                    )
                db.session.commit()
            assert first is not None
            found[size] = first
        db.session.commit()
        print(f"loaded {size} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    demo.analyze()
    db.session.commit()
    return found


# --- child processes ------------------------------------------------------------------------


def _child_app(url: str) -> Any:
    from lms_plugin import create_app

    instance = tempfile.mkdtemp(prefix="lms-bench-child-")
    return create_app(
        {
            "ENV": "testing",
            "TESTING": True,
            "SECRET_KEY": "bench-secret-key-0123456789-0123456789",
            "SQLALCHEMY_DATABASE_URI": url,
            "RATELIMIT_ENABLED": False,
            "WTF_CSRF_ENABLED": False,
            "SERVER_NAME": "tool.bench",
            "PREFERRED_URL_SCHEME": "https",
            "LOG_LEVEL": "WARNING",
        },
        instance_path=instance,
    )


def _discard_untimed(programme_id: int) -> None:
    from lms_plugin.coordination.matching import services as matching
    from lms_plugin.coordination.models import Programme
    from lms_plugin.db import db

    programme = db.session.get(Programme, programme_id)
    assert programme is not None
    matching._discard_drafts(programme)
    db.session.commit()


def child_tool(programme_id: int, user_id: int) -> dict[str, Any]:
    from sqlalchemy import event

    from lms_plugin.accounts.models import User
    from lms_plugin.coordination.matching import services as matching
    from lms_plugin.coordination.models import Programme
    from lms_plugin.db import db

    _discard_untimed(programme_id)
    programme = db.session.get(Programme, programme_id)
    user = db.session.get(User, user_id)
    assert programme is not None and user is not None
    db.session.commit()
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement.split(None, 1)[0].upper())

    event.listen(db.engine, "before_cursor_execute", count)
    before = _rss_now_mb()
    _reset_peak()
    started = time.perf_counter()
    match_run, times = matching.run_timed(programme, user)
    written = time.perf_counter()
    db.session.commit()
    done = time.perf_counter()
    peak = _peak_mb()
    startup_peak = _mb(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    event.remove(db.engine, "before_cursor_execute", count)
    unmatched = match_run.helpers_considered - match_run.matched
    bulk = int(match_run.matched > 0) + int(unmatched > 0)  # COPY / executemany, raw cursor
    return {
        "seconds": done - started,
        "read_s": times.read,
        "solve_s": times.solve,
        "write_s": times.write,
        "commit_s": done - written,
        "considered": match_run.helpers_considered,
        "matched": match_run.matched,
        "unmatched": unmatched,
        "statements": len(statements) + bulk + 1,  # + COMMIT
        "inserts": statements.count("INSERT") + bulk,
        "rss_before_mb": before,
        "peak_rss_mb": peak,
        "process_peak_rss_mb": startup_peak,
    }


PLACED = (
    "SELECT p.mentor_id FROM placements p JOIN schools s ON s.id = p.school_id "
    "WHERE s.programme_id = :p AND p.status <> 'ended'"
)
BASELINE_READS = (  # the rows the matcher needs, and only those (as the tool reads them)
    "SELECT h.id, h.school_id, h.vocational_field, h.language FROM peer_helpers h "
    "JOIN schools s ON s.id = h.school_id LEFT JOIN helper_links l ON l.helper_id = h.id "
    "WHERE s.programme_id = :p AND l.id IS NULL ORDER BY h.id",
    "SELECT p.mentor_id, p.school_id FROM placements p JOIN schools s ON s.id = p.school_id "
    "WHERE s.programme_id = :p AND p.status <> 'ended'",
    "SELECT m.id, m.user_id, m.min_helpers, m.max_helpers, m.languages, m.vocational_fields "
    f"FROM mentor_profiles m WHERE m.id IN ({PLACED}) ORDER BY m.id",
    "SELECT c.user_id FROM certificates c WHERE c.course_id = 'mentor-30h' "
    "AND c.revoked_at IS NULL AND c.expires_at > :now AND c.user_id IN "
    f"(SELECT m.user_id FROM mentor_profiles m WHERE m.id IN ({PLACED}))",
    f"SELECT mentor_id, count(id) FROM helper_links WHERE mentor_id IN ({PLACED}) "
    "GROUP BY mentor_id",
    f"SELECT helper_id, mentor_id FROM banned_pairs WHERE mentor_id IN ({PLACED})",
)


def child_io(programme_id: int, user_id: int, links: int, unmatched: int) -> dict[str, Any]:
    """Read the same columns with plain SQL, write as many rows in bulk, commit."""
    from sqlalchemy import delete, insert, text

    from lms_plugin.coordination.matching import drafts
    from lms_plugin.coordination.models import HelperLink, MatchRun, UnmatchedReason
    from lms_plugin.db import db, utcnow

    _discard_untimed(programme_id)
    before = _rss_now_mb()
    _reset_peak()
    started = time.perf_counter()
    now = utcnow()
    results = [
        db.session.execute(text(sql), {"p": programme_id, "now": now}).all()
        for sql in BASELINE_READS
    ]
    helpers, placements = results[0], results[1]
    run_id = db.session.execute(
        insert(MatchRun)
        .values(programme_id=programme_id, status="discarded", created_at=now)
        .returning(MatchRun.id)
    ).scalar_one()
    mentors = [m for m, _s in placements] or [0]
    ids = [h[0] for h in helpers]
    drafts.insert_drafts(
        run_id, user_id, [(ids[i], mentors[i % len(mentors)]) for i in range(links)], now
    )
    drafts.insert_reasons(run_id, [(ids[links + j], "no_capacity") for j in range(unmatched)])
    db.session.commit()
    done = time.perf_counter()
    peak = _peak_mb()
    db.session.execute(delete(HelperLink).where(HelperLink.run_id == run_id))
    db.session.execute(delete(UnmatchedReason).where(UnmatchedReason.run_id == run_id))
    db.session.commit()
    return {"seconds": done - started, "rss_before_mb": before, "peak_rss_mb": peak}


def child_ortools(programme_id: int) -> dict[str, Any]:
    """Only OR-Tools: the same groups' graphs, built beforehand, solved one by one."""
    from lms_plugin.coordination.matching.flow import build_graphs, solve_graph
    from lms_plugin.coordination.matching.reading import read_problem

    built = build_graphs(read_problem(programme_id))
    started = time.perf_counter()
    for graph in built.graphs:
        solve_graph(graph)
    return {
        "seconds": time.perf_counter() - started,
        "groups": len(built.graphs),
        "arcs": int(sum(len(g.tails) for g in built.graphs)),
        "peak_rss_mb": _mb(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss),
    }


def child_main(args: argparse.Namespace) -> int:
    app = _child_app(args.url)
    with app.app_context():
        if args.child == "tool":
            out = child_tool(args.programme, args.user)
        elif args.child == "io":
            out = child_io(args.programme, args.user, args.links, args.unmatched)
        else:
            out = child_ortools(args.programme)
    print(json.dumps(out))
    return 0


def spawn(url: str, mode: str, programme: int, user: int, **extra: int) -> dict[str, Any]:
    command = [
        sys.executable, "-m", "bench.coordination_matcher", "--child", mode, "--url", url,
        "--programme", str(programme), "--user", str(user),
    ]  # fmt: skip
    for key, value in extra.items():
        command += [f"--{key}", str(value)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, env=env, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"child {mode} failed: {proc.stderr[-2000:]}")
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


# --- parent ---------------------------------------------------------------------------------


def _median(values: list[float]) -> float:
    return float(statistics.median(values))


def measure(url: str, programme: int, user: int, repetitions: int) -> dict[str, Any]:
    first = spawn(url, "tool", programme, user)  # warm-up (caches, planner), also the row counts
    details: dict[str, list[dict[str, Any]]] = {"tool": [], "io": [], "ortools": []}

    def run(mode: str, **extra: int) -> list[float]:
        out = spawn(url, mode, programme, user, **extra)
        details[mode].append(out)
        return [out["seconds"]]

    samples = interleaved(
        {
            "tool": lambda: run("tool"),
            "io": lambda: run("io", links=first["matched"], unmatched=first["unmatched"]),
            "ortools": lambda: run("ortools"),
        },
        repetitions,
    )
    tool, io, bare = (_median(samples[k]) for k in ("tool", "io", "ortools"))
    t = details["tool"]
    return {
        "helpers_waiting": first["considered"],
        "matched": first["matched"],
        "unmatched": first["unmatched"],
        "tool_s": round(tool, 3),
        "tool_samples_s": [round(x, 3) for x in samples["tool"]],
        "read_s": round(_median([d["read_s"] for d in t]), 3),
        "solve_s": round(_median([d["solve_s"] for d in t]), 3),
        "write_s": round(_median([d["write_s"] for d in t]), 3),
        "commit_s": round(_median([d["commit_s"] for d in t]), 3),
        "statements": t[-1]["statements"],
        "inserts": t[-1]["inserts"],
        "peak_rss_mb": max(d["peak_rss_mb"] for d in t),
        "process_peak_rss_mb": max(d["process_peak_rss_mb"] for d in t),
        "rss_before_run_mb": max(d["rss_before_mb"] for d in t),
        "baseline_read_bulk_write_s": round(io, 3),
        "baseline_read_bulk_write_peak_rss_mb": max(d["peak_rss_mb"] for d in details["io"]),
        "baseline_ortools_s": round(bare, 3),
        "ortools_groups": details["ortools"][-1]["groups"],
        "ortools_arcs": details["ortools"][-1]["arcs"],
        "ratio_to_read_bulk_write": round(tool / io, 2) if io else None,
        "ratio_to_ortools": round(tool / bare, 1) if bare else None,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", nargs="*", choices=SIZES, default=list(SIZES))
    parser.add_argument("--repetitions", type=int, default=3)
    parser.add_argument("--child", choices=("tool", "io", "ortools"))
    parser.add_argument("--url", default="")
    parser.add_argument("--programme", type=int, default=0)
    parser.add_argument("--user", type=int, default=0)
    parser.add_argument("--links", type=int, default=0)
    parser.add_argument("--unmatched", type=int, default=0)
    args = parser.parse_args()
    if args.child:
        return child_main(args)

    from sqlalchemy import select

    from lms_plugin.accounts.models import User
    from lms_plugin.db import db

    app = bench_app()
    url = str(app.config["SQLALCHEMY_DATABASE_URI"])
    with app.app_context():
        programmes = load_sizes(args.sizes)
        user = db.session.scalars(select(User).order_by(User.id).limit(1)).one()
        user.is_coordinator = True
        db.session.commit()
        user_id = user.id
        db.engine.dispose()
    results = {
        size: measure(url, programmes[size], user_id, args.repetitions) for size in args.sizes
    }
    national = results.get("national")
    ok = bool(
        national
        and national["tool_s"] <= TARGET_SECONDS
        and national["peak_rss_mb"] <= TARGET_RSS_MB
    )
    print(
        json.dumps(
            {
                "database": database_kind(url),
                "machine": machine(),
                "sizes": results,
                "target_seconds": TARGET_SECONDS,
                "target_rss_mb": TARGET_RSS_MB,
                "pass": ok,
            },
            indent=2,
        )
    )
    for size, r in results.items():
        print(
            f"matcher {size} ({database_kind(url)}): {r['tool_s']} s end to end (read "
            f"{r['read_s']}, solve {r['solve_s']}, write {r['write_s']}, commit {r['commit_s']}); "
            f"{r['statements']} statements, peak RSS {r['peak_rss_mb']} MB | baseline read + "
            f"bulk write {r['baseline_read_bulk_write_s']} s (ratio "
            f"{r['ratio_to_read_bulk_write']}x), bare OR-Tools {r['baseline_ortools_s']} s "
            f"(ratio {r['ratio_to_ortools']}x)",
            file=sys.stderr,
        )
    print("PASS" if ok else "FAIL", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
