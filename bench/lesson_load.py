"""A lesson page under 50 concurrent users: gunicorn (deploy/gunicorn.conf.py) + PostgreSQL.

Each user reads a lesson, thinks 0.5–1.5 s, and reads again (bounded: 45 s per phase or 5,000
requests). Baseline in the same run, same load: /healthz (one query, no template), i.e. what
gunicorn, Flask and the database cost before the lesson page does anything.
Target: lesson p95 ≤ 50 ms and 0 errors. Run: .venv/bin/python -m bench.lesson_load
"""

from __future__ import annotations

import json
import random
import sys
from typing import Any

import requests

from bench.common import bench_app, machine
from bench.server import free_port, gunicorn, run_users, session_cookie, timed_get, use_postgresql

USERS = 50
SECONDS = 45.0
MAX_REQUESTS = 5_000
TARGET_P95_MS = 50.0


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


def main() -> dict[str, Any]:
    use_postgresql()
    app = bench_app()
    ids, context_pk, lesson = seed(app)
    sessions = []
    for user_id in ids:
        session = requests.Session()
        session.cookies.set("lms_session", session_cookie(app, user_id, "trainee", context_pk))
        sessions.append(session)
    rng = random.Random(7)
    results: dict[str, Any] = {"benchmark": "lesson_load", "machine": machine(), "users": USERS}
    with gunicorn(app, free_port()) as base:
        for session in sessions:  # every user's first page: warm the workers and caches
            assert timed_get(session, base + lesson)[1] is None
        for name, path in (("baseline_healthz", "/healthz"), ("lesson_page", lesson)):
            outcome = run_users(
                USERS,
                lambda _n, s, path=path: timed_get(s, base + path),
                seconds=SECONDS,
                max_requests=MAX_REQUESTS,
                think=lambda: rng.uniform(0.5, 1.5),
                sessions=sessions,
            )
            results[name] = outcome.summary()
    lesson_stats = results["lesson_page"]
    results["target_p95_ms"] = TARGET_P95_MS
    results["pass"] = lesson_stats["p95_ms"] <= TARGET_P95_MS and lesson_stats["errors"] == 0
    return results


if __name__ == "__main__":
    json.dump(main(), sys.stdout, indent=2)
    print()
