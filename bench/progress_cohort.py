"""Trainer cohort matrix: a course of 500 trainees and one of 5,000, 20,000 in the database.

Tool: the trainer's page (GET /progress/cohort, sorted by hours: one page of 100 trainees × 10
modules, the count of all of them) through the whole app in-process.
Baseline in the same run, same process: a bare Jinja render, from memory, of the same table (the
same rows, the same cell markup) — what showing the page costs without reading anything.
Measured A B A B A B (3 repetitions, interleaved). Targets: ≤ 3 × the bare render at 500
trainees; ≤ 1 s at 5,000. On PostgreSQL the query plan (EXPLAIN ANALYZE) is in the output.
Run: .venv/bin/python -m bench.progress_cohort   (BENCH_DATABASE_URL for PostgreSQL)
"""

from __future__ import annotations

import json
import random
import sys
import time
from typing import Any

from jinja2 import Environment
from sqlalchemy import insert, select, text

from bench.common import bench_app, interleaved, machine, summary

SIZES = [500, 5000] + [500] * 29  # 20,000 trainees; the first two courses are measured
TARGET_RATIO = 3.0
TARGET_5000_MS = 1000.0
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


def summary_rows(
    user_id: int,
    done: int,
    module_ids: list[str],
    now: Any,
    active_seconds: int,
    *,
    lessons_started: int = 0,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A trainee's course summary and module summaries: `done` modules complete, the next one in
    progress (with `lessons_started` lessons read), the rest locked (for bulk INSERTs)."""
    course = {
        "user_id": user_id,
        "course_id": "mentor-30h",
        "hours_credited": done * 3.0,
        "active_seconds": active_seconds,
        "modules_complete": done,
        "last_activity_at": now,
        "published_hours": None,
        "updated_at": now,
    }
    modules = []
    for i, module in enumerate(module_ids):
        status = "complete" if i < done else ("in_progress" if i == done else "locked")
        modules.append(
            {
                "user_id": user_id,
                "course_id": "mentor-30h",
                "module_id": module,
                "status": status,
                "lessons_done": 3 if status == "complete" else lessons_started,
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
    return course, modules


def populate() -> tuple[Any, list[int], int]:
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
            for i in range(len(SIZES))
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
            for i in range(sum(SIZES))
        ]
        db.session.execute(insert(User), users)
        ids = list(
            db.session.scalars(select(User.id).where(User.sub != "trainer").order_by(User.id))
        )
        members, courses, modules = [], [], []
        owners = [ctx for ctx, size in zip(contexts, SIZES, strict=True) for _ in range(size)]
        for user_id, ctx in zip(ids, owners, strict=True):
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
            course_row, module_rows = summary_rows(
                user_id, done, MODULES, now, rng.randint(0, 100_000), lessons_started=1
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
        for ctx in contexts[:2]:
            db.session.add(
                Membership(context_pk=ctx.id, user_id=trainer.id, role="trainer", has_launched=True)
            )
        db.session.commit()
        if db.engine.dialect.name == "postgresql":  # statistics, as autovacuum would gather
            with db.engine.connect() as conn:
                conn.execution_options(isolation_level="AUTOCOMMIT").execute(
                    text("ANALYZE users, memberships, course_summaries, module_summaries")
                )
        return app, [contexts[0].id, contexts[1].id], trainer.id


BARE = Environment(autoescape=True).from_string(
    """<table class="table table-sm align-middle cohort"><tbody>{% for row in rows %}<tr>
<th scope="row"><a href="/progress/trainee/{{ row.id }}">{{ row.name }}</a></th>
<td>{{ row.hours }}</td><td>{{ row.last }}</td>{% for s in row.modules %}
<td><span class="badge badge-status-{{ s.status }}">{{ labels[s.status] }}</span>
{% if s.quiz is not none %}<br><small>{{ s.quiz }} %</small>{% endif %}
<br><small>{{ s.minutes }} min</small></td>{% endfor %}</tr>{% endfor %}</tbody></table>"""
)
LABELS = {
    "locked": "Zárolva",
    "open": "Nem kezdte el",
    "in_progress": "Folyamatban",
    "complete": "Kész",
}


def bare_rows(app: Any, context_pk: int, count: int) -> list[dict[str, Any]]:
    """The first `count` rows of the matrix, in memory (read before timing: not timed)."""
    from lms_plugin.progress.cohort import CohortQuery, cohort

    with app.app_context():
        query = CohortQuery(
            context_pk=context_pk, course_id="mentor-30h", sort="hours", descending=True
        )
        rows = cohort(query)[:count]
        return [
            {
                "id": row.user_id,
                "name": row.name,
                "hours": f"{row.hours:.1f}".replace(".", ","),
                "last": row.last_activity_at.strftime("%Y. %m. %d.")
                if row.last_activity_at
                else "–",
                "modules": [
                    {
                        "status": m.status,
                        "quiz": None if m.quiz_best is None else f"{m.quiz_best:.0f}",
                        "minutes": m.active_seconds // 60,
                    }
                    for m in row.modules.values()
                ],
            }
            for row in rows
        ]


def explain(app: Any, context_pk: int) -> list[str]:
    """The plan of the page's query on PostgreSQL (EXPLAIN ANALYZE), for docs/benchmarks.md."""
    from lms_plugin.db import db, utcnow
    from lms_plugin.progress.cohort import CohortQuery, _statement

    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            return []
        query = CohortQuery(
            context_pk=context_pk, course_id="mentor-30h", sort="hours", descending=True
        )
        stmt = _statement(query, utcnow()).limit(100)
        compiled = stmt.compile(db.engine, compile_kwargs={"literal_binds": True})
        return [str(r[0]) for r in db.session.execute(text(f"EXPLAIN ANALYZE {compiled}"))]


def main() -> dict[str, object]:
    from sqlalchemy import event

    from lms_plugin.db import db

    app, (small, large), trainer_id = populate()
    results: dict[str, Any] = {"benchmark": "progress_cohort", "machine": machine()}
    with app.app_context():
        results["database"] = db.engine.dialect.name
    clients = {}
    for name, context_pk in (("500", small), ("5000", large)):
        client = app.test_client()
        with client.session_transaction() as sess:
            sess["_user_id"] = str(trainer_id)
            sess["lang"] = "hu"
            sess["launch"] = {
                "role": "trainer",
                "context_pk": context_pk,
                "resource_link_pk": None,
                "target": "cohort",
            }
        clients[name] = client
    path = "/progress/cohort?sort=hours&dir=desc"
    for client in clients.values():
        assert client.get(path).status_code == 200
    statements: list[str] = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", listener)
    clients["500"].get(path)
    event.remove(engine, "before_cursor_execute", listener)
    results["statements_per_page"] = len(statements)
    rows = bare_rows(app, small, 100)

    def page(client: Any) -> Any:
        return lambda: [_ms(lambda: client.get(path)) for _ in range(10)]

    def bare() -> list[float]:
        return [_ms(lambda: BARE.render(rows=rows, labels=LABELS)) for _ in range(10)]

    samples = interleaved(
        {"page_500": page(clients["500"]), "page_5000": page(clients["5000"]), "bare": bare},
        repetitions=3,
    )
    for name, values in samples.items():
        results[name] = summary(values)
    ratio = results["page_500"]["median_ms"] / max(results["bare"]["median_ms"], 0.001)
    results["ratio_500"] = round(ratio, 2)
    results["target_ratio"] = TARGET_RATIO
    results["target_5000_ms"] = TARGET_5000_MS
    results["explain"] = explain(app, large)
    results["pass"] = ratio <= TARGET_RATIO and results["page_5000"]["median_ms"] <= TARGET_5000_MS
    return results


def _ms(fn: Any) -> float:
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


if __name__ == "__main__":
    out = main()
    json.dump(out, sys.stdout, indent=2)
    print()
