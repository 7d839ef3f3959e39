"""A lesson page under load: gunicorn (deploy/gunicorn.conf.py) + PostgreSQL, against its floor.

Baseline in the same run: a bare Flask app (bench/bare_app.py) serving the same lesson page's
bytes from memory, under gunicorn with the same settings, on the same machine at the same time.
Measured A B A B A B (3 repetitions, interleaved):
- closed loop: 16 clients without think time for 20 s: throughput (target ≥ 0.5 × the bare page);
- open loop: 100 requests a second offered for 60 s: latency counted from when each request was
  due (target p95 ≤ 50 ms and 0 errors).
The load generator runs on the same 2 cores as the servers (for both sides alike).
BENCH_QUICK=1 shortens each phase to 10 s (for trying it out; the targets need the full run).
Run: .venv/bin/python -m bench.lesson_load
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import requests

from bench.common import bench_app, database_kind, machine
from bench.server import (
    closed_loop,
    free_port,
    gunicorn,
    open_loop,
    session_cookie,
    use_postgresql,
)

USERS = 50
QUICK = os.environ.get("BENCH_QUICK") == "1"
OPEN_SECONDS = 10.0 if QUICK else 60.0
CLOSED_SECONDS = 10.0 if QUICK else 20.0
RATE = 100.0
CLIENTS = 16
REPETITIONS = 3
TARGET_P95_MS = 50.0
TARGET_THROUGHPUT_RATIO = 0.5


def seed(app: Any) -> tuple[list[int], int, str]:
    """50 trainees of one course; the first lesson of the first module (open to everyone)."""
    from lms_plugin.accounts.models import LmsContext, Membership, User
    from lms_plugin.courses.content import get_course
    from lms_plugin.db import db
    from lms_plugin.lti.models import Deployment, Platform

    with app.app_context():
        platform = Platform(
            issuer="https://moodle.bench",
            client_id="bench",
            name="Moodle",
            auth_login_url="https://moodle.bench/auth",
            auth_token_url="https://moodle.bench/token",
            key_set_url="https://moodle.bench/certs",
        )
        platform.deployments.append(Deployment(deployment_id="1"))
        db.session.add(platform)
        db.session.flush()
        context = LmsContext(platform_id=platform.id, context_id="bench", title="Bench course")
        db.session.add(context)
        db.session.flush()
        ids = []
        for n in range(USERS):
            user = User(platform_id=platform.id, sub=f"u{n}", name=f"Trainee {n}")
            db.session.add(user)
            db.session.flush()
            db.session.add(
                Membership(
                    context_pk=context.id, user_id=user.id, role="trainee", has_launched=True
                )
            )
            ids.append(user.id)
        db.session.commit()
        module = get_course("mentor-30h").core_modules[0]
        return ids, context.id, f"/course/{module.id}/lessons/{module.lessons[0].id}"


def _merge(results: list[dict[str, Any]]) -> dict[str, Any]:
    """The repetitions side by side and their median of each figure."""
    keys = ("p50_ms", "p95_ms", "p99_ms", "throughput_rps", "errors", "requests")
    merged: dict[str, Any] = {"repetitions": results}
    for key in keys:
        values = sorted(r[key] for r in results)
        merged[key] = values[len(values) // 2]
    merged["errors"] = sum(r["errors"] for r in results)
    return merged


def main() -> dict[str, Any]:
    use_postgresql()
    app = bench_app()
    ids, context_pk, lesson = seed(app)
    cookies = [session_cookie(app, user_id, "trainee", context_pk) for user_id in ids]
    results: dict[str, Any] = {
        "benchmark": "lesson_load",
        "machine": machine(),
        "database": database_kind(str(app.config["SQLALCHEMY_DATABASE_URI"])),
        "users": USERS,
        "open_loop": {"rate": RATE, "seconds": OPEN_SECONDS},
        "closed_loop": {"clients": CLIENTS, "seconds": CLOSED_SECONDS},
    }
    runs: dict[str, list[dict[str, Any]]] = {
        k: [] for k in ("lesson_closed", "bare_closed", "lesson_open", "bare_open")
    }
    with gunicorn(app, free_port()) as tool:
        for cookie in cookies:  # every user's first visit: "opened" recorded, workers warm
            page = requests.get(tool + lesson, cookies={"lms_session": cookie}, timeout=30)
            assert page.status_code == 200, page.status_code
        body = Path(app.instance_path) / "lesson.html"
        body.write_bytes(page.content)
        results["page_bytes"] = len(page.content)
        os.environ["BENCH_BARE_BODY"] = str(body)
        with gunicorn(app, free_port(), app_spec="bench.bare_app:create_app()") as bare:
            for _ in range(REPETITIONS):
                for name, base in (("lesson", tool), ("bare", bare)):
                    outcome = closed_loop(CLIENTS, CLOSED_SECONDS, base + lesson, cookies)
                    runs[f"{name}_closed"].append(outcome.summary())
                for name, base in (("lesson", tool), ("bare", bare)):
                    outcome = open_loop(RATE, OPEN_SECONDS, base + lesson, cookies)
                    runs[f"{name}_open"].append(outcome.summary())
    for name, samples in runs.items():
        results[name] = _merge(samples)
    ratio = results["lesson_closed"]["throughput_rps"] / max(
        results["bare_closed"]["throughput_rps"], 0.1
    )
    results["throughput_ratio"] = round(ratio, 3)
    results["target_p95_ms"] = TARGET_P95_MS
    results["target_throughput_ratio"] = TARGET_THROUGHPUT_RATIO
    worst_p95 = max(r["p95_ms"] for r in runs["lesson_open"])
    results["lesson_open_worst_p95_ms"] = worst_p95
    results["pass"] = (
        not QUICK
        and worst_p95 <= TARGET_P95_MS
        and results["lesson_open"]["errors"] == 0
        and ratio >= TARGET_THROUGHPUT_RATIO
    )
    return results


if __name__ == "__main__":
    json.dump(main(), sys.stdout, indent=2)
    print()
