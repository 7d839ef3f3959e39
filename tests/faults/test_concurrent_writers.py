"""Concurrent writers: 8 worker processes (as gunicorn runs them) write heartbeats and drafts at
once; SQLite in WAL mode with a busy timeout makes them wait instead of failing with
"database is locked".
On CI's PostgreSQL pass the same test runs against PostgreSQL."""

from __future__ import annotations

import multiprocessing
import sqlite3
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import func, select, text

from lms_plugin.accounts.models import Role
from lms_plugin.db import db
from tests.availability_helpers import open_modules
from tests.conftest import login, make_test_app
from tests.faults.databases import dispose, migrated_app
from tests.security.world import World, seed_world

WORKERS = 8
ROUNDS = 15


def _worker(
    url: str, instance: str, user_id: int, context_pk: int, module: str, assignment: str, queue: Any
) -> None:
    """One 'gunicorn worker': its own app, engine and connections; a user's stream of writes."""
    statuses: list[int] = []
    errors: list[str] = []
    try:
        app = make_test_app(Path(instance), SQLALCHEMY_DATABASE_URI=url, LOG_LEVEL="CRITICAL")
        with app.app_context():
            from lms_plugin.accounts.models import LmsContext, User

            user = db.session.get(User, user_id)
            context = db.session.get(LmsContext, context_pk)
            assert user is not None and context is not None
            client = app.test_client()
            login(client, user, Role.TRAINEE, context)
            db.session.remove()
        for n in range(ROUNDS):
            beat = client.post(
                "/progress/heartbeat",
                json={"module_id": module, "visible": True, "idle": False},
                base_url="https://tool.test",
            )
            draft = client.post(
                f"/grading/assignments/{assignment}/draft",
                data={"text": f"draft {user_id} #{n}"},
                base_url="https://tool.test",
            )
            statuses += [beat.status_code, draft.status_code]
            for response in (beat, draft):
                if response.status_code >= 500:
                    errors.append(response.get_data(as_text=True)[:200])
    except Exception as exc:  # noqa: BLE001 - reported to the parent
        errors.append(repr(exc))
    queue.put((user_id, statuses, errors))


def test_eight_processes_write_at_once_without_locking_errors(app: Flask, tmp_path: Path) -> None:
    with app.app_context():
        world: World = seed_world()
        from lms_plugin.accounts.models import Membership, User

        users = []
        for n in range(WORKERS):
            user = User(platform_id=world.ids["platform"], sub=f"w{n}", name=f"Worker {n}")
            db.session.add(user)
            db.session.flush()
            db.session.add(
                Membership(
                    context_pk=world.contexts["a"].id,
                    user_id=user.id,
                    role="trainee",
                    has_launched=True,
                )
            )
            open_modules(user.id)  # the assignment's module is open for the workers
            users.append(user.id)
        db.session.commit()
        url = app.config["SQLALCHEMY_DATABASE_URI"]
        context_pk = world.contexts["a"].id
        db.session.remove()
        db.engine.dispose()  # no inherited connection crosses the fork
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    procs = [
        ctx.Process(
            target=_worker,
            args=(
                url,
                str(tmp_path / f"w{n}"),
                user_id,
                context_pk,
                world.ids["module_id"],
                world.ids["assignment_id"],
                queue,
            ),
        )
        for n, user_id in enumerate(users)
    ]
    for proc in procs:
        proc.start()
    results = [queue.get(timeout=240) for _ in procs]
    for proc in procs:
        proc.join(timeout=30)
    problems = [(uid, errors) for uid, _s, errors in results if errors]
    assert not problems, problems
    for uid, statuses, _e in results:
        assert len(statuses) == 2 * ROUNDS and all(s in (200, 302, 303) for s in statuses), (
            uid,
            statuses,
        )
    with app.app_context():
        from lms_plugin.grading.models import Submission
        from lms_plugin.progress.models import HeartbeatState

        texts = dict(
            db.session.execute(
                select(Submission.user_id, Submission.text).where(Submission.user_id.in_(users))
            ).all()
        )
        assert texts == {uid: f"draft {uid} #{ROUNDS - 1}" for uid in users}, (
            "every last write kept"
        )
        beats = db.session.scalar(
            select(func.count())
            .select_from(HeartbeatState)
            .where(HeartbeatState.user_id.in_(users))
        )
        assert beats == WORKERS


def test_sqlite_connections_use_wal_and_a_busy_timeout(tmp_path: Path) -> None:
    scratch = migrated_app(
        tmp_path / "i", f"sqlite:///{tmp_path / 'wal.sqlite'}", SQLITE_BUSY_TIMEOUT_MS=12_345
    )
    try:
        with scratch.app_context():
            assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert db.session.execute(text("PRAGMA busy_timeout")).scalar() == 12_345
    finally:
        dispose(scratch)
    # What the tuning prevents: a second writer with no busy timeout fails at once.
    path = tmp_path / "plain.sqlite"
    first = sqlite3.connect(path, timeout=0, isolation_level=None)
    first.execute("CREATE TABLE t (x)")
    first.execute("BEGIN IMMEDIATE")
    first.execute("INSERT INTO t VALUES (1)")
    second = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        second.execute("BEGIN IMMEDIATE")
        raised = False
    except sqlite3.OperationalError as exc:
        raised = "locked" in str(exc)
    assert raised
    first.rollback()
    first.close()
    second.close()
