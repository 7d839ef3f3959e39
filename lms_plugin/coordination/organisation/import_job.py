"""A large import of centres and schools as a background job (all rows or none, as before).

Above IMPORT_JOB_ROWS rows (default 2,000) the confirmed import leaves the request: the file is
kept in a private file, the worker writes it with `csv_import.apply`, and the rows commit with
the job's "done" row, or not at all. One import per programme at a time. The preview (row and
column errors) stays in the request.
"""

from __future__ import annotations

from dataclasses import asdict

from flask import current_app, request, url_for
from flask_babel import gettext as _
from sqlalchemy import update

from lms_plugin.accounts.models import User
from lms_plugin.coordination.models import Programme
from lms_plugin.coordination.organisation import csv_import as csv_org
from lms_plugin.db import db, utcnow
from lms_plugin.errors import DomainError
from lms_plugin.jobs import services as jobs
from lms_plugin.jobs.models import Job

IMPORT_KIND = "organisation_import"
DEFAULT_JOB_ROWS = 2_000


def job_rows() -> int:
    """From how many rows an import runs in the background (config IMPORT_JOB_ROWS)."""
    return int(current_app.config.get("IMPORT_JOB_ROWS", DEFAULT_JOB_ROWS))


def _title() -> str:
    return _("Import of centres and schools")


def _describe(job: Job) -> str:
    result = job.result or {}
    return _(
        "Imported: %(cc)s new and %(cu)s updated centres, %(sc)s new and %(su)s updated schools.",
        cc=result.get("centres_created", 0),
        cu=result.get("centres_updated", 0),
        sc=result.get("schools_created", 0),
        su=result.get("schools_updated", 0),
    )


def start(programme: Programme, data: bytes, rows: int, by: User) -> Job:
    """Queue the import; an import of the programme already queued or running is refused."""
    key = f"{IMPORT_KIND}:{programme.id}"
    running = jobs.active_job(key)
    if running is None:
        name, handle = jobs.open_output()
        with handle:
            handle.write(data)
        params = {
            "programme_id": programme.id,
            "by_id": by.id,
            "payload": name,
            "base_url": request.url_root,
        }
        job, queued = jobs.start_once(
            IMPORT_KIND, dedupe_key=key, owner_id=by.id, params=params, total=rows
        )
        if not queued:
            (jobs.export_dir() / name).unlink(missing_ok=True)
    else:
        job = running
    if job.owner_id != by.id:
        raise DomainError(
            _("Another coordinator's import of this programme is running; try again when it ends."),
            status_code=409,
        )
    return job


def _payload(job: Job) -> bytes:
    name = str(job.params.get("payload", ""))
    path = jobs.export_dir() / name
    if not name.isalnum() or not path.is_file():
        raise DomainError(_("The uploaded file is no longer there; upload it again."))
    return path.read_bytes()


@jobs.handler(IMPORT_KIND, title=_title, describe=_describe)
def run_import(job: Job, progress: jobs.Progress) -> jobs.Output:
    """Write the kept file (flush; the worker commits), then remove it."""
    programme = db.session.get(Programme, int(job.params["programme_id"]))
    if programme is None:
        raise DomainError(_("The programme no longer exists."))
    try:
        data = _payload(job)
        # SQLite lets one connection write at a time: the progress row (its own transaction)
        # would wait for the import's, so there the bar moves only at the start and the end.
        sqlite = db.engine.dialect.name == "sqlite"
        progress(0, job.progress_total, force=True)
        if sqlite:
            # pysqlite opens no transaction before a SAVEPOINT, so releasing `apply`'s savepoint
            # would commit the rows at once; a first write opens the transaction that the
            # worker commits (or rolls back, all rows with it).
            db.session.execute(update(Job).where(Job.id == job.id).values(touched_at=utcnow()))
        summary = csv_org.apply(programme, data, None if sqlite else progress)
    finally:
        name = str(job.params.get("payload", ""))
        if name.isalnum():
            (jobs.export_dir() / name).unlink(missing_ok=True)
    return jobs.Output(
        summary=asdict(summary), result_url=url_for("coordination.schools", programme=programme.id)
    )
