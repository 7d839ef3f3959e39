"""Revision 0015 keeps every old lesson completion, flagged as made before time on task."""

from __future__ import annotations

from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import create_engine, text

from lms_plugin.courses.content import get_course
from lms_plugin.progress.services import course_progress
from tests.conftest import MIGRATIONS, make_test_app

NOW = "2026-01-01 00:00:00.000000+00:00"


def test_old_completions_are_kept_and_flagged_from_0014_to_head(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    app = make_test_app(tmp_path / "instance", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        upgrade(directory=MIGRATIONS, revision="0014")
        course = get_course("mentor-30h")
    module = course.core_modules[0]
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO users (id, platform_id, issuer, sub, is_coordinator, is_admin, "
                "created_at) VALUES (1, 1, 'https://moodle.test', '4', 0, 0, :now)"
            ),
            {"now": NOW},
        )
        for pk, lesson in enumerate(module.lessons, start=1):
            done = NOW if pk > 1 or len(module.lessons) == 1 else None  # one only opened
            conn.execute(
                text(
                    "INSERT INTO lesson_progress (id, user_id, course_id, module_id, lesson_id, "
                    "opened_at, completed_at) VALUES (:id, 1, :c, :m, :l, :now, :done)"
                ),
                {
                    "id": pk,
                    "c": course.id,
                    "m": module.id,
                    "l": lesson.id,
                    "now": NOW,
                    "done": done,
                },
            )
        conn.execute(
            text(
                "INSERT INTO course_summaries (id, user_id, course_id, hours_credited, "
                "active_seconds, modules_complete, updated_at) "
                "VALUES (1, 1, :c, 0, 0, 0, :now)"
            ),
            {"c": course.id, "now": NOW},
        )
    with app.app_context():
        upgrade(directory=MIGRATIONS)
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT lesson_id, seconds, is_legacy_completion FROM lesson_active_times "
                "ORDER BY lesson_id"
            )
        ).all()
        summary = conn.execute(
            text("SELECT hours_by_kind, little_time_modules FROM course_summaries")
        ).one()
        attendances = conn.execute(text("SELECT count(*) FROM attendances")).scalar()
    completed = sorted(lesson.id for lesson in module.lessons[1:] or module.lessons)
    assert [(r[0], r[1], bool(r[2])) for r in rows] == [(lid, 0, True) for lid in completed]
    assert summary[1] == 0 and attendances == 0  # the attendances table is still there
    with app.app_context():
        mp = course_progress(1, course).module(module.id)
    assert mp.lessons_done == len(completed)
    assert set(mp.lessons_legacy) == set(completed) and mp.little_active_time
