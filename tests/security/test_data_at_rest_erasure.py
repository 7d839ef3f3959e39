"""Item 13: erasing a peer helper (a minor) leaves no copy of their record: not in the SQLite WAL,
not in free pages of the database file, and not in any backup (rewritten by a background job).
Retention does the same for every helper past the programme year."""

from __future__ import annotations

import tarfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from flask import Flask

from lms_plugin.coordination.models import PeerHelper, Programme
from lms_plugin.db import db
from lms_plugin.jobs.services import run_due_jobs
from lms_plugin.ops.backup import create_backup
from tests.faults.databases import dispose, migrated_app
from tests.security.world import World, seed_world

SECRET_NAME = "Xénia Q."  # what must disappear everywhere


def _haystack(path: Path) -> bytes:
    return path.read_bytes() if path.exists() else b""


def _in_backup(archive: Path) -> bool:
    with tarfile.open(archive, "r:gz") as tar:
        for member in tar:
            stream = tar.extractfile(member) if member.isfile() else None
            if stream is not None and SECRET_NAME.encode() in stream.read():
                return True
    return False


@pytest.fixture
def sqlite_app(tmp_path: Path) -> Iterator[Flask]:
    instance = tmp_path / "instance"
    app = migrated_app(instance, f"sqlite:///{instance / 'lms.sqlite'}")
    yield app
    dispose(app)


def _seed(app: Flask) -> tuple[World, int, Path]:
    with app.app_context():
        world = seed_world()
        helper = PeerHelper(
            school_id=world.ids["school"],
            display_name=SECRET_NAME,
            school_year=10,
            start_date=date.today(),
            birth_year=date.today().year - 15,
            consent_by="guardian",
        )
        db.session.add(helper)
        db.session.commit()
        archive = Path(app.instance_path) / "backups" / "lms-20260101T000000Z.tar.gz"
        create_backup(archive)
        assert _in_backup(archive)
        return world, helper.id, Path(str(db.engine.url.database))


def test_erasure_empties_the_wal_and_scrubs_backups(sqlite_app: Flask) -> None:
    world, helper_id, database = _seed(sqlite_app)
    archive = next((Path(sqlite_app.instance_path) / "backups").glob("*.tar.gz"))
    wal = Path(f"{database}-wal")
    assert SECRET_NAME.encode() in _haystack(wal) + _haystack(database)

    with sqlite_app.app_context():
        client = world.client(sqlite_app, "coordinator")
    response = client.post(f"/coordination/helpers/{helper_id}/erase", data={"confirm": "yes"})
    assert response.status_code == 302

    assert SECRET_NAME.encode() not in _haystack(wal), "the WAL still holds the erased helper"
    assert SECRET_NAME.encode() not in _haystack(database), "a free page still holds the helper"
    assert run_due_jobs(sqlite_app) == 1
    assert not _in_backup(archive), "the backup still holds the erased helper"
    # The rewritten backup is still a valid one: it restores, without the helper.
    with tarfile.open(archive, "r:gz") as tar:
        assert "manifest.json" in tar.getnames()
    assert archive.stat().st_mode & 0o077 == 0


def test_retention_scrubs_backups_too(sqlite_app: Flask) -> None:
    world, _helper_id, database = _seed(sqlite_app)
    archive = next((Path(sqlite_app.instance_path) / "backups").glob("*.tar.gz"))
    with sqlite_app.app_context():
        programme = db.session.get(Programme, world.ids["programme"])
        assert programme is not None
        programme.year_ends_on = date(2000, 6, 30)
        db.session.commit()
    result = sqlite_app.test_cli_runner().invoke(args=["coordination", "retention"])
    assert result.exit_code == 0, result.output
    assert not _in_backup(archive)
    assert SECRET_NAME.encode() not in _haystack(Path(f"{database}-wal"))
    assert SECRET_NAME.encode() not in _haystack(database)
