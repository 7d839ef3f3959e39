"""Compare the database's Alembic revision with the head of migrations/."""

from __future__ import annotations

from pathlib import Path

from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from lms_plugin.db import db

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def head_revision() -> str | None:
    """The head of the revision chain."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config).get_current_head()


def migration_state() -> tuple[str | None, str | None]:
    """(current revision of the database, head revision)."""
    with db.engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
    return current, head_revision()
