"""Shared helpers for benchmarks: an app on a scratch database, timing, machine description."""

from __future__ import annotations

import os
import platform
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import text

ROOT = Path(__file__).resolve().parent.parent


def bench_app(**overrides: Any) -> Flask:
    """An app on BENCH_DATABASE_URL (PostgreSQL) or a fresh SQLite file, migrated to head."""
    from lms_plugin import create_app
    from lms_plugin.db import db
    from lms_plugin.lti import keys

    instance = Path(tempfile.mkdtemp(prefix="lms-bench-"))
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{instance / 'bench.sqlite'}"
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
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade(directory=str(ROOT / "migrations"))
    return app


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
