"""Shared helpers for benchmarks: an app on a scratch database, timing, machine description."""

from __future__ import annotations

import atexit
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import create_engine, inspect, text

ROOT = Path(__file__).resolve().parent.parent


def bench_app(**overrides: Any) -> Flask:
    """An app on BENCH_DATABASE_URL (PostgreSQL, in a schema of its own) or a fresh SQLite file,
    migrated to head."""
    from lms_plugin import create_app
    from lms_plugin.lti import keys

    instance = Path(tempfile.mkdtemp(prefix="lms-bench-"))
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{instance / 'bench.sqlite'}"
    if url.startswith("postgresql"):
        url = own_schema(url)
    config = {
        "ENV": "testing",
        "TESTING": True,
        "SECRET_KEY": "bench-secret-key-0123456789-0123456789",
        "SQLALCHEMY_DATABASE_URI": url,
        "RATELIMIT_ENABLED": False,
        "WTF_CSRF_ENABLED": False,
        "SERVER_NAME": "tool.bench",
        "PREFERRED_URL_SCHEME": "https",
        "LOG_LEVEL": "WARNING",
    }
    config.update(overrides)
    app = create_app(config, instance_path=str(instance))
    with app.app_context():
        keys.ensure_key()
        upgrade(directory=str(ROOT / "migrations"))
        _tables_the_migrations_lack()
    return app


def _tables_the_migrations_lack() -> None:
    """A feature whose migration is still being written: create its tables (and say so on
    stderr) so the benchmark measures the pages; a finished tree creates nothing here."""
    from lms_plugin.db import db

    present = set(inspect(db.engine).get_table_names())
    missing = sorted(set(db.metadata.tables) - present)
    if missing:
        print(f"bench: tables missing from migrations, created: {missing}", file=sys.stderr)
        db.metadata.create_all(db.engine)


def own_schema(url: str) -> str:
    """A schema of this run's own in the database at `url` (dropped when the process ends): a
    benchmark never touches tables it did not create. Returns the URL that works inside it."""
    schema = f"bench_{os.getpid()}_{int(time.time())}"
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()

    def drop() -> None:
        cleanup = create_engine(url)
        with cleanup.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        cleanup.dispose()

    atexit.register(drop)
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options=-csearch_path%3D{schema}"


def interleaved(
    runs: dict[str, Callable[[], list[float]]], repetitions: int = 3
) -> dict[str, list[float]]:
    """Run each measurement `repetitions` times, alternating them (A B A B A B), so a busy
    moment of the machine falls on both sides; returns every sample of each."""
    samples: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(repetitions):
        for name, run in runs.items():
            samples[name].extend(run())
    return samples


def summary(samples: list[float]) -> dict[str, float]:
    """Median, p95 and max of millisecond samples."""
    ordered = sorted(samples) or [0.0]
    return {
        "median_ms": round(statistics.median(ordered), 3),
        "p95_ms": round(ordered[max(0, int(len(ordered) * 0.95) - 1)], 3),
        "max_ms": round(ordered[-1], 3),
        "samples": len(samples),
    }


def database_kind(url: str) -> str:
    """ "postgresql" or "sqlite"."""
    return "postgresql" if url.startswith("postgresql") else "sqlite"


def timed(fn: Callable[[], object], repeat: int = 15, warmup: int = 2) -> dict[str, float]:
    """Median, p95 and max in milliseconds."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return {
        "median_ms": round(statistics.median(samples), 2),
        "p95_ms": round(samples[max(0, int(len(samples) * 0.95) - 1)], 2),
        "max_ms": round(samples[-1], 2),
    }


def machine() -> str:
    """One line describing the machine."""
    cpus = os.cpu_count()
    try:
        mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError):
        mem = 0
    return (
        f"{platform.platform()}, Python {platform.python_version()}, {cpus} CPU, {mem:.0f} GiB RAM"
    )
