"""The app is killed (SIGKILL) in the middle of a grade release: the database keeps no half-written
grade, and the next request works. Runs on SQLite, and on PostgreSQL in CI's second pass."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests
from flask import Flask
from sqlalchemy import func, select, text

from lms_plugin.db import db, utcnow
from tests.conftest import ROOT
from tests.faults.databases import dispose, migrated_app, scratch_url
from tests.security.world import seed_world


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_up(port: int, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the server died at start"
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code < 600:
                return
        except requests.ConnectionError:
            time.sleep(0.2)
    raise AssertionError("the server did not start")


def _session_cookie(app: Flask, user_id: int, context_pk: int) -> str:
    data = {
        "_user_id": str(user_id),
        "_fresh": True,
        "launch": {
            "role": "trainer",
            "context_pk": context_pk,
            "resource_link_pk": None,
            "target": "home",
        },
    }
    serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
    assert serializer is not None
    return str(serializer.dumps(data))


def _backend(app: Flask) -> str:
    with app.app_context():
        return db.engine.dialect.name


def test_sigkill_during_a_grade_release_leaves_no_half_written_grade(
    app: Flask, tmp_path: Path
) -> None:
    from lms_plugin.grading.models import Grade, GradeAudit, Submission
    from lms_plugin.lti.outbox_models import ScoreDelivery

    with scratch_url(_backend(app), tmp_path) as url:
        scratch = migrated_app(tmp_path / "parent", url)
        try:
            with scratch.app_context():
                world = seed_world()
                submission_id = world.ids["anna_submission"]
                db.session.add(
                    Grade(
                        submission_id=submission_id,
                        state="ready",
                        outcome="pass",
                        total=8,
                        feedback="Good work",
                        marker_id=world.ids["ta"],
                    )
                )
                db.session.commit()
                cookie = _session_cookie(scratch, world.ids["ta"], world.contexts["a"].id)
                db.session.remove()
                db.engine.dispose()
            port, marker = _free_port(), tmp_path / "flushed"
            proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "tests.faults.slow_server",
                    url,
                    str(tmp_path / "child"),
                    str(port),
                    str(marker),
                    "/grading/release",
                ],
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                env={**os.environ, "PYTHONPATH": str(ROOT)},
            )
            try:
                _wait_until_up(port, proc)
                outcome: list[object] = []

                def release() -> None:
                    try:
                        outcome.append(
                            requests.post(
                                f"http://127.0.0.1:{port}/grading/release",
                                data={"confirm": "yes", "ids": [str(submission_id)]},
                                cookies={"lms_session": cookie},
                                timeout=90,
                                allow_redirects=False,
                            )
                        )
                    except requests.RequestException as exc:
                        outcome.append(exc)

                thread = threading.Thread(target=release)
                thread.start()
                deadline = time.monotonic() + 60
                while not marker.exists():
                    assert time.monotonic() < deadline, "the release never reached its commit"
                    assert proc.poll() is None
                    time.sleep(0.05)
                proc.send_signal(signal.SIGKILL)
                proc.wait(timeout=10)
                thread.join(timeout=30)
                assert outcome and isinstance(outcome[0], requests.RequestException), outcome
            finally:
                if proc.poll() is None:
                    proc.kill()
            with scratch.app_context():
                grade = db.session.scalar(select(Grade).where(Grade.submission_id == submission_id))
                assert grade is not None and grade.state == "ready" and grade.released_at is None
                submission = db.session.get(Submission, submission_id)
                assert submission is not None and submission.state == "submitted"
                assert db.session.scalar(select(func.count()).select_from(ScoreDelivery)) == 0
                released = (
                    select(func.count())
                    .select_from(GradeAudit)
                    .where(GradeAudit.action == "released")
                )
                assert db.session.scalar(released) == 0
                if db.engine.dialect.name == "sqlite":
                    assert db.session.execute(text("PRAGMA integrity_check")).scalar() == "ok"
                db.session.remove()
            # The next writer is not blocked by the dead process: the release goes through.
            browser = scratch.test_client()
            browser.set_cookie("lms_session", cookie, domain="tool.test")
            again = browser.post(
                "/grading/release",
                data={"confirm": "yes", "ids": [str(submission_id)]},
                base_url="https://tool.test",
            )
            assert again.status_code == 302
            with scratch.app_context():
                grade = db.session.scalar(select(Grade).where(Grade.submission_id == submission_id))
                assert (
                    grade is not None
                    and grade.state == "released"
                    and grade.released_at <= utcnow()
                )
                assert db.session.scalar(select(func.count()).select_from(ScoreDelivery)) >= 1
        finally:
            dispose(scratch)
