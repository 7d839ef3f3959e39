"""Item 13: the SQLite database and its WAL, uploads, backups, restored files and exports are
created 0600 in 0700 folders, whatever the umask."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from lms_plugin.db import db
from lms_plugin.grading import files as filestore
from lms_plugin.ops.backup import create_backup
from tests.faults.databases import dispose, migrated_app
from tests.security.world import PDF, seed_world


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def loose_umask() -> Iterator[None]:
    old = os.umask(0o022)
    yield
    os.umask(old)


@pytest.fixture
def sqlite_app(tmp_path: Path, loose_umask: None) -> Iterator[Flask]:
    instance = tmp_path / "instance"
    app = migrated_app(instance, f"sqlite:///{instance / 'data' / 'lms.sqlite'}")
    yield app
    dispose(app)


def test_database_and_wal_are_private(sqlite_app: Flask) -> None:
    with sqlite_app.app_context():
        seed_world()  # writes: the WAL and shared-memory files exist now
        database = Path(str(db.engine.url.database))
        for path in (database, Path(f"{database}-wal"), Path(f"{database}-shm")):
            assert path.exists(), path
            assert mode(path) == 0o600, f"{path.name}: {oct(mode(path))}"


def test_uploads_backups_and_exports_are_private(sqlite_app: Flask, tmp_path: Path) -> None:
    with sqlite_app.app_context():
        seed_world()
        stored, _sha = filestore.store(PDF)
        path = filestore.stored_path(stored)
        assert mode(path) == 0o600
        assert mode(path.parent) == 0o700
        assert mode(path.parent.parent) == 0o700  # UPLOAD_DIR itself

        archive = tmp_path / "backups" / "nightly.tar.gz"
        create_backup(archive)
        assert mode(archive) == 0o600
        assert mode(archive.parent) == 0o700

        from lms_plugin.jobs.services import open_output

        name, handle = open_output()
        with handle:
            handle.write(b"zip")
        from lms_plugin.jobs.services import export_dir

        assert mode(export_dir() / name) == 0o600
        assert mode(export_dir()) == 0o700


def test_restored_uploads_are_private(sqlite_app: Flask, tmp_path: Path) -> None:
    from lms_plugin.ops.restore import restore_backup

    with sqlite_app.app_context():
        seed_world()
        archive = tmp_path / "b.tar.gz"
        create_backup(archive)
    target = migrated_app(
        tmp_path / "restored", f"sqlite:///{tmp_path / 'restored' / 'lms.sqlite'}"
    )
    try:
        with target.app_context():
            restore_backup(archive)
            folder = Path(target.config["UPLOAD_DIR"]) / "submissions"
            files = [p for p in folder.iterdir() if p.is_file()]
            assert files and all(mode(p) == 0o600 for p in files)
            assert mode(folder) == 0o700
    finally:
        dispose(target)
