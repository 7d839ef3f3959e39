"""Trainer cohort matrix: 500 trainees in one course, 20,000 in the database (target ≤ 300 ms).

Baseline in the same run: the unavoidable work — one SELECT of the 500 memberships with their users.
Run: .venv/bin/python -m bench.progress_cohort
"""

from __future__ import annotations

import json
import random
import sys

from sqlalchemy import insert, select

from bench.common import bench_app, machine, timed

CONTEXTS = 40
PER_CONTEXT = 500
MODULES = [
    "programme",
    "role-ethics",
    "encountering",
    "wellbeing",
    "warning-signs",
    "recruiting",
    "supervision",
    "partners",
    "service-plan",
    "refresher",
]


def populate() -> tuple[object, int, int]:
    from lms_plugin.accounts.models import LmsContext, Membership, User
    from lms_plugin.db import db, utcnow
    from lms_plugin.lti.models import Deployment, Platform
    from lms_plugin.progress.models import CourseSummary, ModuleSummary

    app = bench_app()
    rng = random.Random(7)
    with app.app_context():
        platform = Platform(
            issuer="https://moodle.bench",
            client_id="bench",
            auth_login_url="x",
            auth_token_url="x",
            key_set_url="x",
        )
        platform.deployments.append(Deployment(deployment_id="1"))
        db.session.add(platform)
        db.session.flush()
        contexts = [
            LmsContext(platform_id=platform.id, context_id=f"c{i}", title=f"Course {i}")
            for i in range(CONTEXTS)
        ]
        db.session.add_all(contexts)
        trainer = User(platform_id=platform.id, sub="trainer", name="Trainer")
        db.session.add(trainer)
        db.session.flush()
        now = utcnow()
        users = [
            {
                "platform_id": platform.id,
                "issuer": platform.issuer,
                "sub": str(10_000 + i),
                "name": f"Trainee {i:05d}",
                "is_coordinator": False,
                "is_admin": False,
                "created_at": now,
            }
            for i in range(CONTEXTS * PER_CONTEXT)
        ]
        db.session.execute(insert(User), users)
        ids = list(
            db.session.scalars(select(User.id).where(User.sub != "trainer").order_by(User.id))
        )
        members, courses, modules = [], [], []
        for n, user_id in enumerate(ids):
            ctx = contexts[n // PER_CONTEXT]
            members.append(
                {
                    "context_pk": ctx.id,
                    "user_id": user_id,
                    "role": "trainee",
                    "lti_roles": "",
                    "source": "launch",
                    "is_active": True,
                    "has_launched": rng.random() > 0.1,
                    "updated_at": now,
                }
            )
            done = rng.randint(0, 9)
            courses.append(
                {
                    "user_id": user_id,
                    "course_id": "mentor-30h",
                    "hours_credited": done * 3.0,
                    "active_seconds": rng.randint(0, 100_000),
                    "modules_complete": done,
                    "last_activity_at": now,
                    "published_hours": None,
                    "updated_at": now,
                }
            )
            for i, module in enumerate(MODULES):
                status = "complete" if i < done else ("in_progress" if i == done else "locked")
                modules.append(
                    {
                        "user_id": user_id,
                        "course_id": "mentor-30h",
                        "module_id": module,
                        "status": status,
                        "lessons_done": 3 if status == "complete" else 1,
                        "lessons_total": 3,
                        "quiz_best": 90.0 if status == "complete" else None,
                        "quiz_passed": status == "complete",
                        "assignment_state": "none",
                        "active_seconds": 600,
                        "hours_credited": 3.0 if status == "complete" else 0.0,
                        "is_override": False,
                        "published_hours": None,
                    }
                )
        for table, rows in (
            (Membership, members),
            (CourseSummary, courses),
            (ModuleSummary, modules),
        ):
            for start in range(0, len(rows), 5000):
                db.session.execute(insert(table), rows[start : start + 5000])
        db.session.add(
            Membership(
                context_pk=contexts[0].id, user_id=trainer.id, role="trainer", has_launched=True
            )
        )
        db.session.commit()
        return app, contexts[0].id, trainer.id


def main() -> dict[str, object]:
    from sqlalchemy import event

    from lms_plugin.accounts.models import Membership, User
    from lms_plugin.db import db
    from lms_plugin.progress.cohort import CohortQuery, cohort

    app, context_pk, trainer_id = populate()
    results: dict[str, object] = {"machine": machine()}
    with app.app_context():
        dialect = db.engine.dialect.name
        results["database"] = dialect
        query = CohortQuery(
            context_pk=context_pk, course_id="mentor-30h", sort="hours", descending=True
        )
        statements: list[str] = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        rows = cohort(query)
        event.remove(db.engine, "before_cursor_execute", listener)
        results["rows"] = len(rows)
        results["queries_per_matrix"] = len(statements)
        results["matrix"] = timed(lambda: cohort(query))
        baseline = (
            select(User.id, User.name)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.context_pk == context_pk, Membership.role == "trainee")
        )
        results["baseline_select_500"] = timed(lambda: db.session.execute(baseline).all())
    client = app.test_client()
    with client.session_transaction() as sess:
        sess["_user_id"] = str(trainer_id)
        sess["launch"] = {
            "role": "trainer",
            "context_pk": context_pk,
            "resource_link_pk": None,
            "target": "cohort",
        }
    assert client.get("/progress/cohort?sort=hours&dir=desc").status_code == 200
    results["page_http"] = timed(
        lambda: client.get("/progress/cohort?sort=hours&dir=desc"), repeat=10
    )
    results["csv_http"] = timed(lambda: client.get("/progress/cohort.csv"), repeat=5)
    return results


if __name__ == "__main__":
    out = main()
    json.dump(out, sys.stdout, indent=2)
    print()
