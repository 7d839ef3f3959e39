"""Files no row refers to: an upload stored just before a crash (the row was never committed),
a half-written `.part`, an export whose job is gone. `flask ops clean-uploads` deletes them; the
shipped deployment runs it daily (deploy/systemd/lms-clean-uploads.timer)."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from lms_plugin.db import db
from lms_plugin.grading import files as filestore
from lms_plugin.grading.models import SubmissionFile
from lms_plugin.jobs import services as jobs
from lms_plugin.jobs.models import Job

_OURS = re.compile(r"^[0-9a-f]{32}(\.part)?$")
DEFAULT_MIN_AGE_HOURS = 6.0  # far longer than any upload takes; an upload in flight is never hit


@dataclass
class CleanResult:
    """What was (or, with dry_run, would be) deleted."""

    removed: list[Path] = field(default_factory=list)
    kept: int = 0


def _candidates(folder: Path, min_age_seconds: float) -> list[Path]:
    if not folder.is_dir():
        return []
    cutoff = time.time() - min_age_seconds
    return sorted(
        p
        for p in folder.iterdir()
        if _OURS.match(p.name) and p.is_file() and not p.is_symlink() and p.stat().st_mtime < cutoff
    )


def clean_uploads(
    *, min_age_hours: float = DEFAULT_MIN_AGE_HOURS, dry_run: bool = False
) -> CleanResult:
    """Delete stored uploads and export files that no row refers to and that are old enough."""
    result = CleanResult()
    age = min_age_hours * 3600
    uploads = _candidates(filestore.upload_dir(), age)
    known = set(db.session.scalars(select(SubmissionFile.stored_name).distinct()))
    exports = _candidates(jobs.export_dir(), age)
    known_exports = set(
        db.session.scalars(select(Job.result_name).where(Job.result_name.is_not(None)))
    )
    for path, referenced in (
        *((p, p.name in known) for p in uploads),
        *((p, p.name in known_exports) for p in exports),
    ):
        if referenced:
            result.kept += 1
            continue
        result.removed.append(path)
        if not dry_run:
            path.unlink(missing_ok=True)
    return result
