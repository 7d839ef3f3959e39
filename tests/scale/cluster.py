"""Two gunicorn instances (deploy/gunicorn.conf.py) on one PostgreSQL + Redis, workers beside
them, and a browser that logs in through the practice LMS sending each request to the instance
a scenario names (the "load balancer" is the test; the public Host is always instance 0's).
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from flask import Flask

from lms_plugin.db import db
from tests.conftest import ROOT, make_test_app
from tests.practice_platform import parse_page

REDIS = os.environ.get("REDIS_URL_FOR_TESTS", "redis://127.0.0.1:6379/0")


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Cluster:
    """Two gunicorn instances; `public` is the one address the platform and browsers know."""

    def __init__(self, tmp: Path, database_url: str) -> None:
        self.ports = (_port(), _port())
        self.public = f"127.0.0.1:{self.ports[0]}"
        self.env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "LMS_ENV": "testing",
            "LMS_SECRET_KEY": secrets.token_hex(32),
            "LMS_INSTANCE_PATH": str(tmp / "shared-instance"),
            "LMS_TOOL_KEYS_DIR": str(tmp / "shared-instance" / "keys"),
            "LMS_UPLOAD_DIR": str(tmp / "shared-uploads"),
            "LMS_SQLALCHEMY_DATABASE_URI": database_url,
            "LMS_REDIS_URL": REDIS,
            "LMS_CACHE_KEY_PREFIX": f"lms-scale-{secrets.token_hex(4)}-",
            "LMS_PRACTICE_ISSUER": f"http://{self.public}/practice",
            "LMS_LOG_LEVEL": "WARNING",
            "GUNICORN_WORKERS": "2",
            "GUNICORN_THREADS": "2",
        }
        self.procs: list[subprocess.Popen[bytes]] = []
        self.workers: list[subprocess.Popen[bytes]] = []

    def prepare(self) -> None:
        """What `flask init` does once for the cluster: keys and the practice LMS registration."""
        overrides = {
            k[4:]: v for k, v in self.env.items() if k.startswith("LMS_") and k != "LMS_ENV"
        }
        overrides.pop("INSTANCE_PATH")
        app = make_test_app(Path(self.env["LMS_INSTANCE_PATH"]), **overrides, SERVER_NAME=None)
        with app.app_context():
            from lms_plugin.lti import keys
            from lms_plugin.practice.setup import register_practice_platform

            keys.ensure_key()
            register_practice_platform()
            db.session.remove()
            db.engine.dispose()

    def start(self) -> None:
        for port in self.ports:
            env = {**self.env, "GUNICORN_BIND": f"127.0.0.1:{port}"}
            self.procs.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "gunicorn",
                        "-c",
                        "deploy/gunicorn.conf.py",
                        "lms_plugin:create_app()",
                    ],
                    cwd=ROOT,
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                    start_new_session=True,  # its own process group: kill() takes its workers
                )
            )
        for port, proc in zip(self.ports, self.procs, strict=True):
            deadline = time.monotonic() + 60
            while True:
                assert proc.poll() is None, (proc.stderr.read() if proc.stderr else b"").decode()[
                    -2000:
                ]
                try:
                    if (
                        requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code
                        == 200
                    ):
                        break
                except requests.ConnectionError:
                    pass
                assert time.monotonic() < deadline, f"instance on {port} did not start"
                time.sleep(0.3)

    def kill(self, instance: int) -> None:
        """SIGKILL one instance and its worker processes, as a crashed host would go."""
        proc = self.procs[instance]
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=20)

    def start_workers(self, count: int, interval: float = 0.2) -> None:
        """`count` score-delivery workers (`flask lti deliver --loop`) on the shared database."""
        for _ in range(count):
            self.workers.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "flask",
                        "--app",
                        "lms_plugin:create_app()",
                        "lti",
                        "deliver",
                        "--loop",
                        "--interval",
                        str(interval),
                    ],
                    cwd=ROOT,
                    env=self.env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                )
            )

    def stop_workers(self) -> None:
        for proc in self.workers:
            proc.terminate()
        for proc in self.workers:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
        self.workers.clear()

    def stop(self) -> None:
        self.stop_workers()
        for proc in self.procs:
            if proc.poll() is not None:
                continue
            proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()

    def url(self, instance: int, url_or_path: str) -> str:
        """The same URL, sent to instance 0 or 1."""
        parts = urlsplit(url_or_path)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        return f"http://127.0.0.1:{self.ports[instance]}{path}"


@pytest.fixture
def cluster(app: Flask, tmp_path: Path) -> Iterator[Cluster]:
    """Both instances on the suite's PostgreSQL database (migrated by the `app` fixture)."""
    with app.app_context():
        assert db.engine.dialect.name == "postgresql", "run with TEST_DATABASE_URL"
    pair = Cluster(tmp_path, os.environ["TEST_DATABASE_URL"])
    pair.prepare()
    pair.start()
    yield pair
    pair.stop()


class Browser:
    """One person's browser; each request goes to the instance the scenario names."""

    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster
        self.session = requests.Session()

    def go(
        self, instance: int, method: str, url: str, data: dict[str, str] | None = None
    ) -> requests.Response:
        return self.session.request(
            method,
            self.cluster.url(instance, url),
            headers={"Host": self.cluster.public},
            data=data,
            timeout=30,
            allow_redirects=False,
        )

    def launch(
        self,
        who: str,
        link: int,
        *,
        login_on: int,
        launch_on: int,
        platform_on: int = 0,
        between: Callable[[], None] | None = None,
    ) -> requests.Response:
        """From the practice course page through the OIDC login to the launch's redirect.

        The practice LMS's own pages go to `platform_on`; `between` runs after the login, before
        the platform signs the launch (e.g. to kill the instance that stored the login state)."""
        course = self.go(platform_on, "GET", "/practice/")
        assert course.status_code == 200
        player = self.go(platform_on, "GET", f"/practice/launch?who={who}&locale=en&link={link}")
        assert player.status_code == 200, player.text[:500]
        initiate = self.go(platform_on, "GET", parse_page(player.text).iframe_src or "")
        assert initiate.status_code == 200
        form = parse_page(initiate.text).form_to("/lti/login")
        login = self.go(login_on, "POST", form.action, data=form.fields)
        if login.status_code == 200:  # the cookie-check page: its script goes on to this URL
            login = self.go(login_on, "GET", parse_page(login.text).continue_url or "")
        assert login.status_code in (302, 303), login.text[:500]
        if between is not None:
            between()
        auth = self.go(platform_on, "GET", login.headers["Location"])
        assert auth.status_code == 200, auth.text[:500]
        auth_form = parse_page(auth.text).form_to("/lti/launch")
        assert "id_token" in auth_form.fields
        launch = self.go(launch_on, "POST", auth_form.action, data=auth_form.fields)
        assert launch.status_code in (302, 303), launch.text[:1000]
        return launch


def practice_link(app: Flask, target: str = "home") -> int:
    """The practice course's resource link that opens `target`."""
    from sqlalchemy import select

    from lms_plugin.practice.models import PracticeResourceLink

    with app.app_context():
        link = db.session.scalar(
            select(PracticeResourceLink.id).where(PracticeResourceLink.target == target)
        )
        db.session.remove()
    assert link is not None
    return int(link)
