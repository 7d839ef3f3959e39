"""Scale-out: the lesson page on one app instance against two, on one PostgreSQL + Redis.

Issue 20, item 6: "two app instances and two workers on one PostgreSQL + Redis under the
lesson-page load: throughput grows with instances (report the ratio)". An *instance* here is one
gunicorn (deploy/gunicorn.conf.py) with one process of two threads, sharing the database, the
Redis cache and rate limits, the signing keys and the secret; the same 8 clients (closed loop, no
think time) are sent either all to one instance or half to each, interleaved A B A B A B.

What the ratio can show on this machine: the servers, PostgreSQL and the load generator share its
2 cores, so two single-process instances can at best double one (each process runs Python on one
core at a time); a ratio near 1 would mean a shared bottleneck (a lock, a single connection, the
cache). The other two promises of item 6 — no score delivered twice by two workers, no session
lost when an instance is killed — are tests: tests/scale/test_scale_out.py.

Run: .venv/bin/python -m bench.scale_out   (BENCH_QUICK=1: 8 s phases)
"""

from __future__ import annotations

import json
import os
import secrets
import sys
import threading
from typing import Any

import requests

from bench.common import bench_app, database_kind, machine
from bench.lesson_load import seed
from bench.server import (
    LoadResult,
    closed_loop,
    free_port,
    gunicorn,
    session_cookie,
    use_postgresql,
)

QUICK = os.environ.get("BENCH_QUICK") == "1"
SECONDS = 8.0 if QUICK else 20.0
CLIENTS = 8
REPETITIONS = 3
TARGET_RATIO = 1.3  # two instances answer at least 1.3 × one (a shared bottleneck gives ~1.0)
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")


def _both(urls: list[str], cookies: list[str]) -> dict[str, Any]:
    """The clients split over `urls`, all at once; their requests counted together."""
    per = CLIENTS // len(urls)
    outcomes: list[LoadResult] = []
    lock = threading.Lock()

    def run(url: str, offset: int) -> None:
        outcome = closed_loop(per, SECONDS, url, cookies[offset:] + cookies[:offset])
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=run, args=(url, n * per)) for n, url in enumerate(urls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    merged = LoadResult()
    for outcome in outcomes:
        merged.latencies.extend(outcome.latencies)
        merged.errors.extend(outcome.errors)
    merged.seconds = max(o.seconds for o in outcomes)
    return merged.summary()


def main() -> dict[str, Any]:
    use_postgresql()
    app = bench_app()
    ids, context_pk, lesson = seed(app)
    cookies = [session_cookie(app, user_id, "trainee", context_pk) for user_id in ids]
    settings = {
        "GUNICORN_WORKERS": "1",
        "GUNICORN_THREADS": "2",
        "REDIS_URL": REDIS,
        "CACHE_KEY_PREFIX": f"bench-scale-{secrets.token_hex(4)}-",
    }
    runs: dict[str, list[dict[str, Any]]] = {"one": [], "two": []}
    with (
        gunicorn(app, free_port(), **settings) as first,
        gunicorn(app, free_port(), **settings) as second,
    ):
        for base in (first, second):  # every user's first visit recorded, both warm
            for cookie in cookies:
                page = requests.get(base + lesson, cookies={"lms_session": cookie}, timeout=30)
                assert page.status_code == 200, page.status_code
        for _ in range(REPETITIONS):
            runs["one"].append(_both([first + lesson], cookies))
            runs["two"].append(_both([first + lesson, second + lesson], cookies))

    def median(name: str, key: str) -> float:
        values = sorted(r[key] for r in runs[name])
        return float(values[len(values) // 2])

    one, two = median("one", "throughput_rps"), median("two", "throughput_rps")
    ratio = round(two / max(one, 0.1), 2)
    errors = sum(r["errors"] for rs in runs.values() for r in rs)
    return {
        "benchmark": "scale_out",
        "machine": machine(),
        "database": database_kind(str(app.config["SQLALCHEMY_DATABASE_URI"])),
        "instance": "gunicorn, 1 process × 2 threads, shared PostgreSQL + Redis",
        "clients": CLIENTS,
        "seconds": SECONDS,
        "one_instance": {"throughput_rps": one, "p95_ms": median("one", "p95_ms")},
        "two_instances": {"throughput_rps": two, "p95_ms": median("two", "p95_ms")},
        "repetitions": runs,
        "ratio": ratio,
        "errors": errors,
        "target_ratio": TARGET_RATIO,
        "pass": not QUICK and ratio >= TARGET_RATIO and errors == 0,
    }


if __name__ == "__main__":
    json.dump(main(), sys.stdout, indent=2)
    print()
