"""`flask backup` / `restore`: every row and uploaded file survive, on and between backends."""

from __future__ import annotations

import io
import json
import shutil
import tarfile
from pathlib import Path

import pytest
from flask import Flask

from lms_plugin.db import db
from lms_plugin.ops.restore import RestoreError, restore_backup
from tests.faults.databases import dispose, migrated_app, scratch_url, snapshot
from tests.faults.seed import seed_programme
from tests.practice_platform import PracticeLms, install_transport


def _backend(app: Flask) -> str:
    with app.app_context():
        return db.engine.dialect.name


def _backup(app: Flask, out: Path) -> str:
    result = app.test_cli_runner().invoke(args=["backup", "--output", str(out)])
    assert result.exit_code == 0, result.output
    return result.output


def _restore(app: Flask, archive: Path) -> str:
    result = app.test_cli_runner().invoke(args=["restore", str(archive)])
    assert result.exit_code == 0, result.output
    return result.output


def _uploads(app: Flask) -> dict[str, bytes]:
    root = Path(app.config["UPLOAD_DIR"])
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _round_trip(source: Flask, target: Flask, tmp: Path) -> None:
    archive = tmp / "backup.tar.gz"
    output = _backup(source, archive)
    assert "Backup written" in output and " files, migration " in output
    assert "Restored" in _restore(target, archive)
    before, after = snapshot(source), snapshot(target)
    assert sum(len(rows) for rows in before.values()) > 20
    assert after == before
    assert _uploads(target) == _uploads(source) != {}


def test_round_trip_on_the_suite_backend(
    app: Flask, practice_lms: PracticeLms, tmp_path: Path
) -> None:
    """SQLite → SQLite in the first CI pass, PostgreSQL → PostgreSQL in the second."""
    seed_programme(app, practice_lms)
    with scratch_url(_backend(app), tmp_path) as url:
        target = migrated_app(tmp_path / "target", url)
        try:
            _round_trip(app, target, tmp_path)
            # The restored tool works: the next row gets a fresh id (sequences were moved on).
            with target.app_context():
                from lms_plugin.accounts.models import User

                user = User(platform_id=1, sub="new-after-restore", name="Új Felhasználó")
                db.session.add(user)
                db.session.commit()
                assert user.id > max(r["id"] for r in snapshot(app)["users"])
        finally:
            dispose(target)


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("source_kind", "target_kind"), [("sqlite", "postgresql"), ("postgresql", "sqlite")]
)
def test_round_trip_between_sqlite_and_postgresql(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, source_kind: str, target_kind: str
) -> None:
    from lms_plugin.practice import urls
    from lms_plugin.practice.setup import register_practice_platform
    from tests.practice_platform import PracticeLms as Lms

    with (
        scratch_url(source_kind, tmp_path) as src_url,
        scratch_url(target_kind, tmp_path) as dst_url,
    ):
        source = migrated_app(tmp_path / "source", src_url)
        target = migrated_app(tmp_path / "target", dst_url)
        try:
            transport = install_transport(source, monkeypatch)
            with source.app_context():
                register_practice_platform()
                lms = Lms(app=source, transport=transport, issuer=urls.issuer())
            seed_programme(source, lms)
            _round_trip(source, target, tmp_path)
        finally:
            dispose(source)
            dispose(target)


def test_restore_refuses_a_database_that_is_not_empty(
    app: Flask, practice_lms: PracticeLms, tmp_path: Path
) -> None:
    seed_programme(app, practice_lms)
    archive = tmp_path / "b.tar.gz"
    _backup(app, archive)
    shutil.rmtree(app.config["UPLOAD_DIR"])
    result = app.test_cli_runner().invoke(args=["restore", str(archive)])
    assert result.exit_code != 0
    assert "not empty" in result.output and "empty, migrated database" in result.output


def test_restore_refuses_unsafe_paths_before_writing_anything(app: Flask, tmp_path: Path) -> None:
    archive = tmp_path / "evil.tar.gz"
    _backup(app, archive)  # an empty database: a valid manifest
    with tarfile.open(archive, "r:gz") as src:
        members = [(m, src.extractfile(m).read() if m.isfile() else b"") for m in src.getmembers()]  # type: ignore[union-attr]
    evil = tmp_path / "evil2.tar.gz"
    with tarfile.open(evil, "w:gz") as out:
        for member, data in members:
            out.addfile(member, io.BytesIO(data))
        bad = tarfile.TarInfo("uploads/../../escaped.txt")
        bad.size = 3
        out.addfile(bad, io.BytesIO(b"bad"))
    with app.app_context(), pytest.raises(RestoreError, match="unsafe path"):
        restore_backup(evil)
    assert not (tmp_path / "escaped.txt").exists()
    assert not (Path(app.config["UPLOAD_DIR"]).parent / "escaped.txt").exists()


def test_restore_refuses_another_migration_and_a_foreign_file(app: Flask, tmp_path: Path) -> None:
    archive = tmp_path / "b.tar.gz"
    _backup(app, archive)
    with tarfile.open(archive, "r:gz") as src:
        manifest = json.load(src.extractfile("manifest.json"))  # type: ignore[arg-type]
    manifest["revision"] = "0001"
    other = tmp_path / "old.tar.gz"
    with tarfile.open(other, "w:gz") as out:
        data = json.dumps(manifest).encode()
        info = tarfile.TarInfo("manifest.json")
        info.size = len(data)
        out.addfile(info, io.BytesIO(data))
    result = app.test_cli_runner().invoke(args=["restore", str(other)])
    assert result.exit_code != 0 and "same revision" in result.output
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not a tarball")
    result = app.test_cli_runner().invoke(args=["restore", str(junk)])
    assert result.exit_code != 0 and "not a readable .tar.gz backup" in result.output
