"""After a peer helper (a minor) is erased: no copy of their record stays anywhere we keep.

- SQLite: rows are deleted with `secure_delete` on (their pages are zeroed), then
  `PRAGMA wal_checkpoint(TRUNCATE)` copies the WAL into the database and empties it, so the old page
  images that still held the helper are gone from the -wal file too.
- PostgreSQL: `VACUUM` on the helper tables reclaims the dead row versions.
- Backups: every archive in BACKUP_DIR is rewritten without the helper's rows (the helper table
  and everything keyed by helper id), by a background job (`forget_helpers`) or, from the
  retention command, at once (`scrub_backups`). We chose removal over encrypting backups with a
  key that erasure rotates: rotation would make every older backup unreadable at each erasure,
  and a school year has many erasures.
"""

from __future__ import annotations

import io
import json
import logging
import tarfile
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import text

from lms_plugin.db import db
from lms_plugin.jobs import services as jobs
from lms_plugin.jobs.models import Job
from lms_plugin.private_files import open_private, private_dir

log = logging.getLogger("lms_plugin.ops")

SCRUB_KIND = "scrub_backups"
# table -> the column that names the helper
HELPER_TABLES = {
    "peer_helpers": "id",
    "helper_links": "helper_id",
    "banned_pairs": "helper_id",
    "match_unmatched": "helper_id",
}


def backup_dir() -> Path:
    """Where `flask backup` writes by default and where erasure looks (BACKUP_DIR)."""
    configured = current_app.config.get("BACKUP_DIR")
    return Path(str(configured)) if configured else Path(current_app.instance_path) / "backups"


def purge_database_traces() -> None:
    """Empty the SQLite WAL (or VACUUM the helper tables on PostgreSQL). Call after the commit."""
    engine = db.engine
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            busy, _frames, _done = conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()
            if busy:
                log.warning("WAL checkpoint was blocked by a reader; the next erasure retries")
        return
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            for table in HELPER_TABLES:
                conn.execute(text(f'VACUUM "{table}"'))


def forget_helpers(helper_ids: list[int], *, owner_id: int | None) -> Job | None:
    """Queue the removal of these helpers from every backup (flush; the caller commits)."""
    if not helper_ids or not any(backup_dir().glob("*.tar.gz")):
        return None
    return jobs.enqueue(SCRUB_KIND, owner_id=owner_id, params={"helper_ids": sorted(helper_ids)})


def _scrub_lines(raw: bytes, column: str, ids: set[int]) -> tuple[bytes, int]:
    kept: list[bytes] = []
    removed = 0
    for line in raw.splitlines(keepends=True):
        if line.strip():
            row: dict[str, Any] = json.loads(line)
            if row.get(column) in ids:
                removed += 1
                continue
        kept.append(line)
    return b"".join(kept), removed


def scrub_archive(path: Path, ids: set[int]) -> int:
    """Rewrite one backup without these helpers' rows; returns how many rows went.

    Only the manifest and the helper tables are read into memory; uploads are streamed across.
    """
    replaced: dict[str, bytes] = {}
    with tarfile.open(path, "r:gz") as source:
        try:
            manifest = json.load(source.extractfile("manifest.json"))  # type: ignore[arg-type]
        except (KeyError, ValueError):
            return 0
        removed_total = 0
        for table, column in HELPER_TABLES.items():
            try:
                stream = source.extractfile(f"tables/{table}.jsonl")
            except KeyError:
                continue
            if stream is None:
                continue
            scrubbed, removed = _scrub_lines(stream.read(), column, ids)
            if removed:
                replaced[f"tables/{table}.jsonl"] = scrubbed
                rows = manifest.setdefault("rows", {})
                rows[table] = int(rows.get(table, 0)) - removed
                removed_total += removed
        if not removed_total:
            return 0
        replaced["manifest.json"] = json.dumps(manifest, indent=2).encode()
        partial = path.with_name(path.name + ".scrub")
        with open_private(partial) as raw, tarfile.open(fileobj=raw, mode="w:gz") as target:
            for member in source:
                if member.name in replaced:
                    data = replaced[member.name]
                    member.size = len(data)
                    target.addfile(member, io.BytesIO(data))
                elif member.isfile():
                    target.addfile(member, source.extractfile(member))
                else:
                    target.addfile(member)
    partial.replace(path)
    return removed_total


def scrub_backups(helper_ids: list[int]) -> int:
    """Remove these helpers from every backup archive in BACKUP_DIR; returns rows removed."""
    folder = backup_dir()
    if not folder.is_dir() or not helper_ids:
        return 0
    private_dir(folder)
    ids = set(helper_ids)
    return sum(scrub_archive(path, ids) for path in sorted(folder.glob("*.tar.gz")))


@jobs.handler(SCRUB_KIND)
def _scrub_job(job: Job, progress: jobs.Progress) -> jobs.Output:
    removed = scrub_backups([int(i) for i in job.params.get("helper_ids", [])])
    progress(1, 1, force=True)
    log.info("backups scrubbed", extra={"data": {"job": job.id, "rows": removed}})
    return jobs.Output(result_name="", download_name="")
