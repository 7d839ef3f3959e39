"""Compare the database's Alembic revision with the head of migrations/."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from lms_plugin.db import db

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
# One fixed statement: SQLAlchemy caches it once, where Alembic's MigrationContext built a new
# Table per call and grew the statement cache with every /healthz.
CURRENT_REVISION = text("SELECT version_num FROM alembic_version")


@cache
def head_revision() -> str | None:
    """The head of the revision chain, read from the scripts once per process (they do not
    change under a running server; a deployment restarts it)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config).get_current_head()


def current_revision() -> str | None:
    """The database's revision (one statement); None for a database never migrated.

    Raises SQLAlchemyError when the database cannot be reached."""
    try:
        rows = db.session.execute(CURRENT_REVISION).scalars().all()
    except SQLAlchemyError:
        db.session.rollback()
        db.session.execute(text("SELECT 1"))  # reachable, only not migrated (else this raises)
        return None
    return str(rows[0]) if len(rows) == 1 else None


def migration_state() -> tuple[str | None, str | None]:
    """(current revision of the database, head revision)."""
    return current_revision(), head_revision()
