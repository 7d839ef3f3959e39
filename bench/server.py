"""gunicorn (deploy/gunicorn.conf.py) on 127.0.0.1 for the load benchmarks, and a bounded load
generator: a thread pool of `requests` sessions, capped in count and time, loopback only."""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
from flask import Flask

from bench.common import ROOT

DEFAULT_PG = "postgresql://lms:lms@127.0.0.1:5432/lms_bench"  # scripts/services.sh creates it


def use_postgresql() -> str:
    """The load benchmarks run on PostgreSQL: BENCH_DATABASE_URL, else the services.sh database."""
    return os.environ.setdefault("BENCH_DATABASE_URL", DEFAULT_PG)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def gunicorn(
    app: Flask, port: int, app_spec: str = "lms_plugin:create_app()", **settings: str
) -> Iterator[str]:
    """Serve the bench app's database, keys and secret with gunicorn; yields the base URL.
    `app_spec` names another WSGI app served with the same settings (a baseline)."""
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "LMS_ENV": "testing",
        "LMS_SECRET_KEY": str(app.config["SECRET_KEY"]),
        "LMS_INSTANCE_PATH": app.instance_path,
        "LMS_TOOL_KEYS_DIR": str(app.config["TOOL_KEYS_DIR"]),
        "LMS_SQLALCHEMY_DATABASE_URI": str(app.config["SQLALCHEMY_DATABASE_URI"]),
        "LMS_RATELIMIT_ENABLED": "false",
        "LMS_LOG_LEVEL": "WARNING",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        **{f"LMS_{k}": v for k, v in settings.items() if not k.startswith("GUNICORN_")},
        **{k: v for k, v in settings.items() if k.startswith("GUNICORN_")},
    }
    log = open(Path(app.instance_path) / f"gunicorn-{port}.log", "wb")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "deploy/gunicorn.conf.py",
            app_spec,
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"gunicorn died: see {log.name}")
            try:
                if requests.get(base + "/healthz", timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not start in 60 s")
            time.sleep(0.3)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def session_cookie(app: Flask, user_id: int, role: str, context_pk: int | None) -> str:
    """The signed session a launch would leave in the browser (the server shares SECRET_KEY)."""
    data = {
        "_user_id": str(user_id),
        "_fresh": True,
        "launch": {
            "role": role,
            "context_pk": context_pk,
            "resource_link_pk": None,
            "target": "home",
        },
    }
    serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
    return str(serializer.dumps(data))


@dataclass
class LoadResult:
    """Latencies in milliseconds and what went wrong."""

    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, ms: float, error: str | None) -> None:
        with self.lock:
            self.latencies.append(ms)
            if error:
                self.errors.append(error)

    def summary(self) -> dict[str, Any]:
        ordered = sorted(self.latencies) or [0.0]

        def pct(p: float) -> float:
            return round(ordered[min(len(ordered) - 1, int(len(ordered) * p))], 1)

        return {
            "requests": len(self.latencies),
            "errors": len(self.errors),
            "first_errors": self.errors[:5],
            "p50_ms": pct(0.50),
            "p95_ms": pct(0.95),
            "p99_ms": pct(0.99),
            "mean_ms": round(statistics.fmean(ordered), 1),
            "throughput_rps": round(len(self.latencies) / self.seconds, 1) if self.seconds else 0,
        }


def run_users(
    users: int,
    action: Callable[[int, requests.Session], tuple[float, str | None]],
    *,
    seconds: float,
    max_requests: int,
    think: Callable[[], float],
    sessions: list[requests.Session],
) -> LoadResult:
    """`users` threads, each repeating `action` with think time, until the time or count cap."""
    assert len(sessions) == users
    result = LoadResult()
    stop = time.monotonic() + seconds
    sent = [0]
    count_lock = threading.Lock()

    def user(n: int) -> None:
        while time.monotonic() < stop:
            with count_lock:
                if sent[0] >= max_requests:
                    return
                sent[0] += 1
            ms, error = action(n, sessions[n])
            result.add(ms, error)
            time.sleep(think())

    started = time.monotonic()
    threads = [threading.Thread(target=user, args=(n,), daemon=True) for n in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 60)
    result.seconds = time.monotonic() - started
    return result


def timed_get(session: requests.Session, url: str, expect: int = 200) -> tuple[float, str | None]:
    started = time.perf_counter()
    try:
        response = session.get(url, timeout=30, allow_redirects=False)
        error = None if response.status_code == expect else f"HTTP {response.status_code} {url}"
    except requests.RequestException as exc:
        error = f"{type(exc).__name__} {url}"
    return (time.perf_counter() - started) * 1000, error


def open_loop(
    rate: float,
    seconds: float,
    url: str,
    cookies: list[str],
    *,
    timeout: float = 10.0,
    pool: int = 96,
) -> LoadResult:
    """Offer `rate` requests a second for `seconds`, whatever the server answers (open loop).

    Each request's latency counts from the moment it was due, so a server that falls behind
    shows it (no coordinated omission). Requests cycle through the users' session cookies."""
    from concurrent.futures import ThreadPoolExecutor

    result = LoadResult()
    local = threading.local()

    def send(n: int, due: float) -> None:
        session = getattr(local, "session", None)
        if session is None:
            session = local.session = requests.Session()
        error = None
        try:
            response = session.get(
                url,
                headers={"Cookie": f"lms_session={cookies[n % len(cookies)]}"},
                timeout=timeout,
                allow_redirects=False,
            )
            if response.status_code != 200:
                error = f"HTTP {response.status_code}"
        except requests.RequestException as exc:
            error = type(exc).__name__
        result.add((time.perf_counter() - due) * 1000, error)

    total = int(rate * seconds)
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=pool) as executor:
        for n in range(total):
            due = started + n / rate
            delay = due - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            executor.submit(send, n, due)
    result.seconds = time.perf_counter() - started
    return result


def closed_loop(clients: int, seconds: float, url: str, cookies: list[str]) -> LoadResult:
    """`clients` users each sending the next request as soon as the last one answered."""
    sessions = [requests.Session() for _ in range(clients)]
    for n, session in enumerate(sessions):
        session.cookies.set("lms_session", cookies[n % len(cookies)])
    return run_users(
        clients,
        lambda _n, s: timed_get(s, url),
        seconds=seconds,
        max_requests=1_000_000,
        think=lambda: 0.0,
        sessions=sessions,
    )
