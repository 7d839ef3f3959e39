"""Backup: every table as JSON lines in dependency order, plus the uploads folder, in one tar.gz.

The archive is portable (SQLite ⇄ PostgreSQL): values are written by column type, not as SQL.
Layout: manifest.json, tables/<table>.jsonl (one object per row, ordered by primary key),
uploads/<relative path>.
"""

from __future__ import annotations

import io
import json
import logging
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import Table, inspect, select

from lms_plugin.db import db, utcnow
from lms_plugin.ops.codec import encode
from lms_plugin.private_files import open_private, private_dir

FORMAT = "lms-plugin-backup/1"
log = logging.getLogger("lms_plugin.ops")


@dataclass
class BackupResult:
    """What went into an archive."""

    path: Path
    revision: str | None
    rows: dict[str, int] = field(default_factory=dict)
    files: int = 0


def current_revision() -> str | None:
    """The Alembic revision the database is at (None when it was never migrated)."""
    from sqlalchemy import text

    if not inspect(db.engine).has_table("alembic_version"):
        return None
    with db.engine.connect() as conn:
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def tables_in_order() -> list[Table]:
    """The app's tables, parents before children (what an insert order needs)."""
    return list(db.metadata.sorted_tables)


def _rows(table: Table) -> Iterator[dict[str, Any]]:
    order = list(table.primary_key.columns) or list(table.columns)
    with db.engine.connect() as conn:
        result = conn.execution_options(stream_results=True, yield_per=1000).execute(
            select(table).order_by(*order)
        )
        for row in result.mappings():
            yield {key: encode(value) for key, value in row.items()}


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(utcnow().timestamp())
    info.mode = 0o600
    archive.addfile(info, io.BytesIO(data))


def upload_dir() -> Path:
    return Path(str(current_app.config["UPLOAD_DIR"]))


def create_backup(output: Path, *, include_uploads: bool = True) -> BackupResult:
    """Write the archive to `output` (to a temporary name, then renamed: never half a file)."""
    existing = set(inspect(db.engine).get_table_names())
    result = BackupResult(path=output, revision=current_revision())
    private_dir(output.parent)
    with tempfile.TemporaryDirectory(prefix="lms-backup-") as tmp:
        dumped: list[str] = []
        for table in tables_in_order():
            if table.name not in existing:
                log.warning("backup: table %s is not in the database; skipped", table.name)
                continue
            path = Path(tmp) / f"{table.name}.jsonl"
            count = 0
            with path.open("w", encoding="utf-8") as out:
                for row in _rows(table):
                    out.write(json.dumps(row, ensure_ascii=False) + "\n")
                    count += 1
            result.rows[table.name] = count
            dumped.append(table.name)
        files = _upload_files() if include_uploads else []
        result.files = len(files)
        manifest = {
            "format": FORMAT,
            "created_at": utcnow().isoformat(),
            "dialect": db.engine.dialect.name,
            "revision": result.revision,
            "tables": dumped,
            "rows": result.rows,
            "files": result.files,
        }
        partial = output.with_name(output.name + ".partial")
        with open_private(partial) as raw, tarfile.open(fileobj=raw, mode="w:gz") as archive:
            _add_bytes(archive, "manifest.json", json.dumps(manifest, indent=2).encode())
            for name in dumped:
                archive.add(Path(tmp) / f"{name}.jsonl", arcname=f"tables/{name}.jsonl")
            for relative in files:
                archive.add(upload_dir() / relative, arcname=f"uploads/{relative.as_posix()}")
        partial.replace(output)
    return result


def _upload_files() -> list[Path]:
    root = upload_dir()
    if not root.is_dir():
        return []
    return sorted(
        p.relative_to(root) for p in root.rglob("*") if p.is_file() and not p.is_symlink()
    )
