"""Revision 0009 merges the users two registrations of one Moodle made, losing nothing."""

from __future__ import annotations

from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import create_engine, text

from tests.conftest import MIGRATIONS, make_test_app

NOW = "2026-01-01 00:00:00.000000+00:00"


def test_duplicate_people_are_merged_and_nothing_is_lost(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    app = make_test_app(tmp_path / "instance", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        upgrade(directory=MIGRATIONS, revision="0008")
    engine = create_engine(url)
    with engine.begin() as conn:
        for pk, client in ((1, "first"), (2, "second")):
            conn.execute(
                text(
                    "INSERT INTO platforms (id, issuer, client_id, name, auth_login_url, "
                    "auth_token_url, key_set_url, registered_via, is_active, created_at) VALUES "
                    "(:id, 'https://moodle.test', :c, '', 'a', 't', 'k', 'manual', 1, :now)"
                ),
                {"id": pk, "c": client, "now": NOW},
            )
            conn.execute(
                text(
                    "INSERT INTO lms_contexts (id, platform_id, context_id, created_at) "
                    "VALUES (:id, :id, '2', :now)"
                ),
                {"id": pk, "now": NOW},
            )
        # The same Moodle user (sub 4) came through both registrations; sub 5 only through one.
        for pk, platform, sub in ((1, 1, "4"), (2, 2, "4"), (3, 1, "5")):
            conn.execute(
                text(
                    "INSERT INTO users (id, platform_id, sub, is_coordinator, is_admin, "
                    "created_at) VALUES (:id, :p, :s, 0, 0, :now)"
                ),
                {"id": pk, "p": platform, "s": sub, "now": NOW},
            )
        for pk, context, user in ((1, 1, 1), (2, 2, 2), (3, 1, 3)):
            conn.execute(
                text(
                    "INSERT INTO memberships (id, context_pk, user_id, role, lti_roles, source, "
                    "is_active, has_launched, updated_at) "
                    "VALUES (:id, :c, :u, 'trainee', '', 'launch', 1, 1, :now)"
                ),
                {"id": pk, "c": context, "u": user, "now": NOW},
            )
        # The same lesson opened through both registrations: the rows clash after a merge.
        for pk, user in ((1, 1), (2, 2)):
            conn.execute(
                text(
                    "INSERT INTO lesson_progress (id, user_id, course_id, module_id, lesson_id, "
                    "opened_at) VALUES (:id, :u, 'mentor-30h', 'programme', 'l1', :now)"
                ),
                {"id": pk, "u": user, "now": NOW},
            )
    with app.app_context():
        upgrade(directory=MIGRATIONS, revision="0009")
    with engine.connect() as conn:
        people = conn.execute(text("SELECT id, issuer, sub FROM users ORDER BY id")).all()
        memberships = conn.execute(
            text("SELECT context_pk, user_id FROM memberships ORDER BY id")
        ).all()
        lessons = conn.execute(text("SELECT id, user_id FROM lesson_progress ORDER BY id")).all()
    assert [p[1] for p in people] == ["https://moodle.test"] * len(people)
    # Both memberships now belong to the first user; the clashing lesson row stays with a
    # renamed duplicate instead of being dropped.
    assert memberships == [(1, 1), (2, 1), (1, 3)]
    assert lessons[0] == (1, 1) and lessons[1] == (2, 2)
    assert (2, "https://moodle.test", "4#merged-1") in [tuple(p) for p in people]
    assert (3, "https://moodle.test", "5") in [tuple(p) for p in people]
