"""Revision 0018 on SQLite: the tables appear, answers are stored without a rowid, it reverses."""

from __future__ import annotations

from pathlib import Path

from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text

from tests.conftest import MIGRATIONS, make_test_app

TABLES = {
    "evaluation_self_assessments",
    "evaluation_survey_participations",
    "evaluation_survey_answers",
}


def test_0018_upgrades_and_downgrades_on_sqlite(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'evaluation.sqlite'}"
    app = make_test_app(tmp_path / "instance", SQLALCHEMY_DATABASE_URI=url)
    engine = create_engine(url)
    with app.app_context():
        upgrade(directory=MIGRATIONS, revision="0017")
        assert not TABLES & set(inspect(engine).get_table_names())
        upgrade(directory=MIGRATIONS, revision="0018")
        assert set(inspect(engine).get_table_names()) >= TABLES
        with engine.connect() as conn:
            sql = conn.execute(
                text("SELECT sql FROM sqlite_master WHERE name = 'evaluation_survey_answers'")
            ).scalar_one()
        assert "WITHOUT ROWID" in sql  # rows kept in random-key order, not insertion order
        downgrade(directory=MIGRATIONS, revision="0017")
        assert not TABLES & set(inspect(engine).get_table_names())
        upgrade(directory=MIGRATIONS, revision="0018")
        assert set(inspect(engine).get_table_names()) >= TABLES
    engine.dispose()
