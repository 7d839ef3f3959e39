"""Restore a backup archive into an empty database that is migrated to the archive's revision."""

from __future__ import annotations

import json
import shutil
import tarfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

from sqlalchemy import Integer, Table, func, insert, inspect, select, text
from sqlalchemy.engine import Connection

from lms_plugin.db import db
from lms_plugin.ops.backup import FORMAT, current_revision, tables_in_order, upload_dir
from lms_plugin.ops.codec import decode
from lms_plugin.private_files import open_private, private_dir

BATCH = 1000


class RestoreError(RuntimeError):
    """The archive cannot be restored here; the message says why and what to do."""


@dataclass
class RestoreResult:
    """What was put back."""

    rows: dict[str, int] = field(default_factory=dict)
    files: int = 0


def _manifest(archive: tarfile.TarFile) -> dict[str, Any]:
    try:
        member = archive.extractfile("manifest.json")
    except KeyError as exc:
        raise RestoreError("This file is not a backup of this tool (no manifest.json).") from exc
    assert member is not None
    manifest: dict[str, Any] = json.load(member)
    if manifest.get("format") != FORMAT:
        raise RestoreError(f"Unknown backup format {manifest.get('format')!r}; expected {FORMAT}.")
    return manifest


def _check_target(manifest: dict[str, Any], tables: dict[str, Table]) -> None:
    revision = current_revision()
    if revision is None:
        raise RestoreError(
            "The database is not migrated: run `flask --app lms_plugin db upgrade` first."
        )
    if revision != manifest.get("revision"):
        raise RestoreError(
            f"The backup was taken at migration {manifest.get('revision')} but this database is at "
            f"{revision}: restore into a database migrated to the same revision."
        )
    existing = set(inspect(db.engine).get_table_names())
    with db.engine.connect() as conn:
        for name in manifest["tables"]:
            if name not in tables or name not in existing:
                raise RestoreError(f"The backup has table {name} that this database lacks.")
            if conn.execute(select(func.count()).select_from(tables[name])).scalar():
                raise RestoreError(
                    f"Table {name} is not empty: restore only into an empty, migrated database."
                )


def _insert_table(conn: Connection, table: Table, stream: IO[bytes]) -> int:
    columns = {c.name: c for c in table.columns}
    batch: list[dict[str, Any]] = []
    count = 0
    for line in stream:
        if not line.strip():
            continue
        raw = json.loads(line)
        batch.append({k: decode(columns[k], v) for k, v in raw.items() if k in columns})
        if len(batch) >= BATCH:
            conn.execute(insert(table), batch)
            count, batch = count + len(batch), []
    if batch:
        conn.execute(insert(table), batch)
        count += len(batch)
    return count


def _reset_sequences(conn: Connection, table: Table) -> None:
    """PostgreSQL: move each serial primary key's sequence past the restored ids."""
    if conn.dialect.name != "postgresql":
        return
    for column in table.primary_key.columns:
        if not isinstance(column.type, Integer):
            continue
        sequence = conn.execute(
            text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": table.name, "c": column.name}
        ).scalar()
        if sequence:
            conn.execute(
                # Names come from our own metadata, never from the archive.
                text(
                    f'SELECT setval(:s, COALESCE((SELECT MAX("{column.name}") '  # noqa: S608
                    f'FROM "{table.name}"), 1), (SELECT MAX("{column.name}") '
                    f'FROM "{table.name}") IS NOT NULL)'
                ),
                {"s": sequence},
            )


def _safe_upload_path(name: str) -> PurePosixPath | None:
    """The path under uploads/ of an archive member; None if it tries to leave the folder."""
    path = PurePosixPath(name)
    if path.parts[:1] != ("uploads",) or len(path.parts) < 2:
        return None
    relative = PurePosixPath(*path.parts[1:])
    if relative.is_absolute() or ".." in relative.parts:
        raise RestoreError(f"The archive contains an unsafe path: {name!r}.")
    return relative


def _plan_uploads(archive: tarfile.TarFile) -> list[tuple[tarfile.TarInfo, Path]]:
    """Every upload in the archive with its target; refuses unsafe members and overwrites."""
    root = upload_dir()
    plan = []
    # Every member is checked for unsafe paths and links before any existing file is looked at.
    for member in archive.getmembers():
        relative = _safe_upload_path(member.name)
        if relative is None:
            continue
        if not member.isfile():
            raise RestoreError(f"The archive contains a link or device: {member.name!r}.")
        plan.append((member, root.joinpath(*relative.parts)))
    for _member, target in plan:
        if target.exists():
            raise RestoreError(f"{target} already exists: restore into an empty uploads folder.")
    return plan


def _restore_uploads(archive: tarfile.TarFile, plan: list[tuple[tarfile.TarInfo, Path]]) -> int:
    for member, target in plan:
        source = archive.extractfile(member)
        assert source is not None
        private_dir(target.parent)
        with open_private(target, exclusive=True) as out:
            shutil.copyfileobj(source, out)
    return len(plan)


def restore_backup(path: Path) -> RestoreResult:
    """Insert every row in one transaction (all or nothing), then put the uploads back."""
    if not path.is_file():
        raise RestoreError(f"{path} does not exist.")
    tables = {t.name: t for t in tables_in_order()}
    result = RestoreResult()
    try:
        archive = tarfile.open(path, "r:gz")  # noqa: SIM115 - closed by the `with` below
    except (tarfile.TarError, OSError) as exc:
        raise RestoreError(f"{path} is not a readable .tar.gz backup: {exc}") from exc
    with archive:
        manifest = _manifest(archive)
        _check_target(manifest, tables)
        uploads = _plan_uploads(archive)
        with db.engine.begin() as conn:
            for name in [t.name for t in tables_in_order() if t.name in manifest["tables"]]:
                stream = archive.extractfile(f"tables/{name}.jsonl")
                if stream is None:
                    raise RestoreError(f"The archive lacks tables/{name}.jsonl.")
                result.rows[name] = _insert_table(conn, tables[name], stream)
                _reset_sequences(conn, tables[name])
        expected = manifest.get("rows", {})
        if expected and expected != result.rows:
            raise RestoreError(f"Row counts differ from the manifest: {expected} vs {result.rows}.")
        result.files = _restore_uploads(archive, uploads)
    db.session.remove()
    return result
