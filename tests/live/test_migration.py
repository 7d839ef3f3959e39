"""Revision 0016 moves the hours trainers typed in (attendances) into live-session marks."""

from __future__ import annotations

import shutil
from pathlib import Path

from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, text

from lms_plugin.live.facts import attended_hours
from tests.conftest import MIGRATIONS, make_test_app
from tests.courses.fixture_courses import good_courses
from tests.live.conftest import OVERLAY

NOW = "2026-01-01 00:00:00.000000+00:00"


def _seed(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO platforms (id, issuer, client_id, name, auth_login_url, "
                "auth_token_url, key_set_url, registered_via, is_active, created_at, product) "
                "VALUES (1, 'https://moodle.test', 'c1', '', 'a', 't', 'k', 'manual', true, "
                ":now, 'moodle')"
            ),
            {"now": NOW},
        )
        conn.execute(
            text(
                "INSERT INTO lms_contexts (id, platform_id, context_id, created_at) "
                "VALUES (7, 1, 'c7', :now)"
            ),
            {"now": NOW},
        )
        for pk in (1, 2, 3, 9):
            conn.execute(
                text(
                    "INSERT INTO users (id, platform_id, issuer, sub, is_coordinator, is_admin, "
                    "created_at) VALUES (:id, 1, 'https://moodle.test', :sub, false, false, :now)"
                ),
                {"id": pk, "sub": str(pk), "now": NOW},
            )
        for pk, user in ((1, 1), (2, 2)):  # user 3 has no enrolment (no Moodle course known)
            conn.execute(
                text(
                    "INSERT INTO enrolments (id, user_id, course_id, context_pk, started_at) "
                    "VALUES (:id, :u, 'tiny', 7, :now)"
                ),
                {"id": pk, "u": user, "now": NOW},
            )
        rows = (
            (1, 1, "basics", 0.5, "2025-10-03", "Műhely, Szeged"),
            (2, 2, "basics", 0.25, "2025-10-10", "csak délelőtt"),
            (3, 1, "practice", 2.0, "2025-11-07", ""),
            (4, 3, "basics", 0.5, "2025-10-03", ""),
        )
        for pk, user, module, hours, day, reason in rows:
            conn.execute(
                text(
                    "INSERT INTO attendances (id, user_id, course_id, module_id, hours, "
                    "session_date, recorded_by_id, reason, recorded_at) "
                    "VALUES (:id, :u, 'tiny', :m, :h, :d, 9, :r, :now)"
                ),
                {"id": pk, "u": user, "m": module, "h": hours, "d": day, "r": reason, "now": NOW},
            )


def test_old_attendance_becomes_marks_and_keeps_its_hours(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    courses = good_courses(tmp_path)
    shutil.copytree(OVERLAY, courses / "tiny", dirs_exist_ok=True)
    app = make_test_app(
        tmp_path / "instance", SQLALCHEMY_DATABASE_URI=url, COURSES_DIR=str(courses)
    )
    with app.app_context():
        upgrade(directory=MIGRATIONS, revision="0015")
    _seed(url)
    with app.app_context():
        upgrade(directory=MIGRATIONS, revision="0016")
        assert attended_hours(1, "tiny") == {"basics": 0.5, "practice": 0.5}  # capped as before
        assert attended_hours(2, "tiny") == {"basics": 0.25}
        assert attended_hours(3, "tiny") == {"basics": 0.5}
    engine = create_engine(url)
    with engine.connect() as conn:
        occurrences = conn.execute(
            text(
                "SELECT context_pk, module_id, session_id, is_legacy, capacity "
                "FROM live_occurrences ORDER BY module_id, context_pk IS NULL"
            )
        ).all()
        marks = conn.execute(
            text(
                "SELECT user_id, status, hours, session_date, note, marked_by_id "
                "FROM live_marks ORDER BY user_id, hours"
            )
        ).all()
        audits = conn.execute(text("SELECT count(*) FROM live_mark_audits")).scalar()
        kept = conn.execute(text("SELECT count(*) FROM attendances")).scalar()
    assert [tuple(o) for o in occurrences] == [
        (7, "basics", "recorded-before-scheduling", True, 2),
        (None, "basics", "recorded-before-scheduling", True, 1),
        (7, "practice", "recorded-before-scheduling", True, 1),
    ]
    assert [(*m[:3], str(m[3]), *m[4:]) for m in marks] == [
        (1, "present", 0.5, "2025-10-03", "Műhely, Szeged", 9),
        (1, "present", 2.0, "2025-11-07", "", 9),
        (2, "present", 0.25, "2025-10-10", "csak délelőtt", 9),
        (3, "present", 0.5, "2025-10-03", "", 9),
    ]
    assert audits == 4
    assert kept == 4  # the old table stays (another change removes its use)
    with app.app_context():
        downgrade(directory=MIGRATIONS, revision="0015")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM attendances")).scalar() == 4
