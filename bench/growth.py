"""How the trainee-facing pages grow with the programme: launch, lesson page and the trainer's
cohort page at the pilot, national and ten times national scale (issue 20, item 5).

Each size runs in a process and a database (schema) of its own, filled with that many trainees in
one course (users, memberships, course and module summaries), then measured in-process (tool time
only, warm, median of the rounds):
- launch: OIDC login + launch + `/lti/continue` + landing page of a returning learner;
- lesson page: the first lesson, for a learner who launched;
- cohort: the trainer's matrix (a page of 100, sorted by hours; the count of all).
The matcher's growth is in bench/coordination_matcher.py. What the growth should be, and why, is in
docs/benchmarks.md ("How it grows").

Run: .venv/bin/python -m bench.growth   (BENCH_DATABASE_URL for PostgreSQL; BENCH_QUICK=1: two
sizes, fewer rounds)
"""

from __future__ import annotations

import itertools
import json
import os
import statistics
import subprocess
import sys
import time
from typing import Any

from bench.common import ROOT, machine
from bench.progress_cohort import summary_rows

SIZES = {"pilot": 250, "national": 5_000, "10x national": 50_000}
QUICK = os.environ.get("BENCH_QUICK") == "1"
ROUNDS = 20 if QUICK else 60
LEARNERS = 40  # returning learners who launch in turn


def _median_ms(fn: Any, rounds: int) -> float:
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(samples), 2)


def populate(app: Any, platform_issuer: str, context_pk: int, size: int) -> None:
    """`size` trainees in the course (the launch's own learners included), summaries for all."""
    import random

    from sqlalchemy import insert, select

    from lms_plugin.accounts.models import Membership, User
    from lms_plugin.db import db, utcnow
    from lms_plugin.lti.models import Platform
    from lms_plugin.progress.models import CourseSummary, ModuleSummary

    rng = random.Random(11)
    with app.app_context():
        platform_id = db.session.scalar(
            select(Platform.id).where(Platform.issuer == platform_issuer)
        )
        now = utcnow()
        db.session.execute(
            insert(User),
            [
                {
                    "platform_id": platform_id,
                    "issuer": platform_issuer,
                    "sub": f"bulk-{i}",
                    "name": f"Trainee {i:06d}",
                    "is_coordinator": False,
                    "is_admin": False,
                    "created_at": now,
                }
                for i in range(size)
            ],
        )
        ids = list(db.session.scalars(select(User.id).where(User.sub.like("bulk-%"))))
        module_ids = _module_ids()
        members, courses, modules = [], [], []
        for user_id in ids:
            members.append(
                {
                    "context_pk": context_pk,
                    "user_id": user_id,
                    "role": "trainee",
                    "lti_roles": "",
                    "source": "launch",
                    "is_active": True,
                    "has_launched": True,
                    "updated_at": now,
                }
            )
            done = rng.randint(0, len(module_ids))
            course_row, module_rows = summary_rows(
                user_id, done, module_ids, now, rng.randint(0, 100_000)
            )
            courses.append(course_row)
            modules.extend(module_rows)
        for table, rows in (
            (Membership, members),
            (CourseSummary, courses),
            (ModuleSummary, modules),
        ):
            for start in range(0, len(rows), 5000):
                db.session.execute(insert(table), rows[start : start + 5000])
        db.session.commit()
        if db.engine.dialect.name == "postgresql":  # statistics, as autovacuum would gather
            from sqlalchemy import text

            with db.engine.connect() as conn:
                conn.execution_options(isolation_level="AUTOCOMMIT").execute(
                    text("ANALYZE users, memberships, course_summaries, module_summaries")
                )


def _module_ids() -> list[str]:
    from lms_plugin.courses.content import get_course

    return [m.id for m in get_course("mentor-30h").modules]


def measure(size: int) -> dict[str, Any]:
    """One size, in this process."""
    from sqlalchemy import select

    from bench.common import bench_app
    from bench.launch_setup import install
    from bench.lti_launch import PARTS, tool_journey
    from lms_plugin.accounts.models import LmsContext
    from lms_plugin.courses.content import get_course
    from lms_plugin.db import db

    app = bench_app(PRACTICE_LMS_ENABLED=True)
    platform = install(app)
    tool_journey(app, platform, "learner-0", {k: [] for k in PARTS})  # creates the course
    with app.app_context():
        context_pk = db.session.scalar(
            select(LmsContext.id).where(LmsContext.context_id == "bench-course")
        )
        database = db.engine.dialect.name
    assert context_pk is not None
    started = time.perf_counter()
    populate(app, platform.issuer, context_pk, size)
    fill_seconds = round(time.perf_counter() - started, 1)

    counter = iter(range(10**9))

    def launch() -> None:
        n = next(counter) % LEARNERS
        tool_journey(app, platform, f"learner-{n}", {k: [] for k in PARTS})

    for _ in range(LEARNERS):  # every learner launched once: the rounds are returning learners
        launch()
    launch_ms = _median_ms(launch, ROUNDS)

    learner = app.test_client()
    learner.environ_base["wsgi.url_scheme"] = "https"
    from bench.launch_setup import login

    state, nonce, _status = login(learner, platform, "learner-0")
    learner.post(
        "/lti/launch", data={"id_token": platform.id_token("learner-0", nonce), "state": state}
    )
    with app.app_context():
        module = get_course("mentor-30h").core_modules[0]
        lesson = f"/course/{module.id}/lessons/{module.lessons[0].id}"
    assert learner.get(lesson).status_code == 200
    lesson_ms = _median_ms(lambda: learner.get(lesson), ROUNDS)

    trainer = app.test_client()
    with trainer.session_transaction() as sess:
        sess["_user_id"] = str(_trainer(app, platform.issuer, context_pk))
        sess["lang"] = "hu"
        sess["launch"] = {
            "role": "trainer",
            "context_pk": context_pk,
            "resource_link_pk": None,
            "target": "cohort",
        }
    cohort = "/progress/cohort?sort=hours&dir=desc"
    assert trainer.get(cohort).status_code == 200
    cohort_ms = _median_ms(lambda: trainer.get(cohort), ROUNDS)
    return {
        "size": size,
        "database": database,
        "fill_seconds": fill_seconds,
        "launch_ms": launch_ms,
        "lesson_ms": lesson_ms,
        "cohort_ms": cohort_ms,
    }


def _trainer(app: Any, issuer: str, context_pk: int) -> int:
    from sqlalchemy import select

    from lms_plugin.accounts.models import Membership, User
    from lms_plugin.db import db
    from lms_plugin.lti.models import Platform

    with app.app_context():
        platform_id = db.session.scalar(select(Platform.id).where(Platform.issuer == issuer))
        user = User(platform_id=platform_id, issuer=issuer, sub="bench-trainer", name="Trainer")
        db.session.add(user)
        db.session.flush()
        db.session.add(
            Membership(context_pk=context_pk, user_id=user.id, role="trainer", has_launched=True)
        )
        db.session.commit()
        return int(user.id)


def growth(small: float, large: float) -> float:
    return round(large / small, 2) if small else 0.0


def main() -> dict[str, Any]:
    sizes = dict(list(SIZES.items())[:2]) if QUICK else SIZES
    rows = []
    for label, size in sizes.items():
        proc = subprocess.run(
            [sys.executable, "-m", "bench.growth", "--size", str(size)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=1800,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        out = proc.stdout
        row = json.loads(out[out.find("{") : out.rfind("}") + 1])
        row["label"] = label
        rows.append(row)
    result: dict[str, Any] = {"benchmark": "growth", "machine": machine(), "rows": rows}
    for key in ("launch_ms", "lesson_ms", "cohort_ms"):
        result[f"{key}_growth"] = [growth(a[key], b[key]) for a, b in itertools.pairwise(rows)]
    return result


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--size":
        json.dump(measure(int(sys.argv[2])), sys.stdout)
        print()
    else:
        json.dump(main(), sys.stdout, indent=2)
        print()
