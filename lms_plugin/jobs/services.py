"""Queue, claim, run and clean up background jobs.

A request only enqueues (`enqueue`, flush; the view commits). `run_due_jobs(app)` claims queued
jobs one at a time (a compare-and-set on `status`, so two workers never run the same job), runs
the handler registered for the job's kind inside a request context built from the base URL the
enqueuing request had (so `url_for(..., _external=True)` works), and stores the file it wrote.
It is called by `flask jobs run [--loop]` and by the app's in-process background thread.

A job may write to the database instead of a file (the matcher's drafts, an import's rows): its
handler flushes, and the job's work commits together with its "done" row, or not at all. A job
started with a `dedupe_key` (`start_once`) cannot run twice at once: the key is unique among
queued and running jobs (cleared when the job ends), so a second start returns the first job.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import IO, Any

from flask import Flask, current_app
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError

from lms_plugin.db import db, utcnow
from lms_plugin.errors import DomainError
from lms_plugin.jobs.models import DONE, FAILED, QUEUED, RUNNING, Job
from lms_plugin.private_files import open_private, private_dir

log = logging.getLogger("lms_plugin.jobs")

KEEP_HOURS = 24  # a finished job's file can be downloaded this long
STALE_MINUTES = 10  # a running job that reported nothing for this long lost its worker
MAX_ATTEMPTS = 3
PROGRESS_EVERY_SECONDS = 1.0


class Progress:
    """What a handler reports while it works; written in its own short transaction."""

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self._last = 0.0

    def __call__(self, done: int, total: int, *, force: bool = False) -> None:
        import time

        now = time.monotonic()
        if not force and now - self._last < PROGRESS_EVERY_SECONDS:
            return
        self._last = now
        with db.engine.begin() as conn:
            conn.execute(
                update(Job)
                .where(Job.id == self.job_id)
                .values(progress_done=done, progress_total=total, touched_at=utcnow())
            )


@dataclass(frozen=True)
class Output:
    """What a handler produced: a file (our random name under EXPORT_DIR and the name to
    offer), or a summary of what it wrote and the page where that is seen, or both."""

    result_name: str | None = None
    download_name: str | None = None
    summary: dict[str, Any] | None = None
    result_url: str | None = None


Handler = Callable[[Job, Progress], Output]
Describe = Callable[[Job], str]
_HANDLERS: dict[str, Handler] = {}


@dataclass(frozen=True)
class KindInfo:
    """How a kind of job is named to its owner, and how its result is told in a sentence."""

    title: Callable[[], str]
    describe: Describe | None = None


_KINDS: dict[str, KindInfo] = {}


def handler(
    kind: str, *, title: Callable[[], str] | None = None, describe: Describe | None = None
) -> Callable[[Handler], Handler]:
    """Register the function that does a kind of job (features register theirs at import).

    With a `title` (a function giving the name in the current language) the owner is told when
    the job ends: a banner on their next page and a notice by e-mail (`job_finished`);
    `describe` turns a finished job's summary into a sentence.
    """

    def wrap(func: Handler) -> Handler:
        _HANDLERS[kind] = func
        if title is not None:
            _KINDS[kind] = KindInfo(title, describe)
        return func

    return wrap


def kind_info(kind: str) -> KindInfo | None:
    """The title and result sentence of an announced kind (None: not announced)."""
    return _KINDS.get(kind)


def announced_kinds() -> frozenset[str]:
    """The kinds whose owners are told when a job ends."""
    return frozenset(_KINDS)


def export_dir() -> Path:
    """Where job outputs live (EXPORT_DIR, default instance/exports): 0700, made on first use."""
    configured = current_app.config.get("EXPORT_DIR")
    path = Path(str(configured)) if configured else Path(current_app.instance_path) / "exports"
    return private_dir(path)


def open_output() -> tuple[str, IO[bytes]]:
    """A new private (0600) output file: (random name, binary handle)."""
    name = secrets.token_hex(16)
    return name, open_private(export_dir() / name, exclusive=True)


def output_path(job: Job) -> Path | None:
    """The finished file of a job, if it still exists."""
    if not job.result_name or not job.result_name.isalnum():
        return None
    path = export_dir() / job.result_name
    return path if path.is_file() else None


def enqueue(kind: str, *, owner_id: int | None, params: dict[str, Any], total: int = 0) -> Job:
    """Queue a job (flush; the caller commits)."""
    if kind not in _HANDLERS:
        raise ValueError(f"no handler for job kind {kind!r}")
    job = Job(kind=kind, owner_id=owner_id, params=params, progress_total=total, status=QUEUED)
    db.session.add(job)
    db.session.flush()
    return job


def active_job(dedupe_key: str) -> Job | None:
    """The queued or running job holding `dedupe_key`, if any."""
    return db.session.scalar(select(Job).where(Job.dedupe_key == dedupe_key))


def start_once(
    kind: str,
    *,
    dedupe_key: str,
    owner_id: int | None,
    params: dict[str, Any],
    total: int = 0,
) -> tuple[Job, bool]:
    """Queue a job unless one with the same key is queued or running: (job, queued now).

    Commits (call it before anything else the request writes): the unique key decides between
    two concurrent requests, and the loser's session is rolled back to read the winner's job.
    """
    running = active_job(dedupe_key)
    if running is not None:
        return running, False
    if kind not in _HANDLERS:
        raise ValueError(f"no handler for job kind {kind!r}")
    job = Job(
        kind=kind,
        owner_id=owner_id,
        params=params,
        progress_total=total,
        status=QUEUED,
        dedupe_key=dedupe_key,
    )
    db.session.add(job)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        running = active_job(dedupe_key)
        if running is None:  # it ended between the two statements: the caller may try again
            raise DomainError(_busy_message(), status_code=409) from None
        return running, False
    return job, True


def _busy_message() -> str:
    from flask_babel import gettext as _

    return _("This work was just started by someone else; open it again in a moment.")


def _requeue_stale() -> None:
    """Jobs whose worker died (no progress for STALE_MINUTES) go back to the queue, or fail."""
    cutoff = utcnow() - timedelta(minutes=STALE_MINUTES)
    stale = or_(Job.touched_at < cutoff, Job.touched_at.is_(None) & (Job.started_at < cutoff))
    with db.engine.begin() as conn:
        conn.execute(
            update(Job)
            .where(Job.status == RUNNING, stale, Job.attempts >= MAX_ATTEMPTS)
            .values(
                status=FAILED,
                error="The worker stopped while running this job.",
                dedupe_key=None,
                finished_at=utcnow(),
            )
        )
        conn.execute(
            update(Job).where(Job.status == RUNNING, stale).values(status=QUEUED, touched_at=None)
        )


def claim_next() -> int | None:
    """Take the oldest queued job for this worker; None when there is none."""
    while True:
        job_id = db.session.scalar(
            select(Job.id).where(Job.status == QUEUED).order_by(Job.created_at, Job.id).limit(1)
        )
        db.session.rollback()
        if job_id is None:
            return None
        now = utcnow()
        with db.engine.begin() as conn:
            taken = conn.execute(
                update(Job)
                .where(Job.id == job_id, Job.status == QUEUED)
                .values(status=RUNNING, started_at=now, touched_at=now, attempts=Job.attempts + 1)
            ).rowcount
        if taken:
            return job_id
        # Another worker took it between the two statements: look again.


def run_job(app: Flask, job_id: int) -> None:
    """Run one claimed job and record its outcome."""
    job = db.session.get(Job, job_id)
    if job is None:
        return
    func = _HANDLERS.get(job.kind)
    base_url = str(job.params.get("base_url") or "https://localhost/")
    try:
        if func is None:
            raise LookupError(f"no handler for job kind {job.kind!r}")
        with app.test_request_context("/", base_url=base_url):
            output = func(job, Progress(job.id))
    except Exception as exc:
        db.session.rollback()  # all or nothing: what the handler wrote goes too
        if isinstance(exc, DomainError):
            log.info("job %s (%s) refused: %s", job_id, job.kind, exc.message)
        else:
            log.exception("job %s (%s) failed", job_id, job.kind)
        job = db.session.get(Job, job_id)
        if job is not None:
            job.status = FAILED
            job.error = type(exc).__name__
            # A rule's refusal is already a sentence for the user; anything else is not shown.
            job.result = {"message": exc.message} if isinstance(exc, DomainError) else None
            job.dedupe_key = None
            job.finished_at = utcnow()
            job.expires_at = job.finished_at + timedelta(hours=KEEP_HOURS)
            db.session.commit()
        return
    # The handler's writes (if any) commit with the job's "done": one transaction.
    job = db.session.get(Job, job_id)
    assert job is not None
    db.session.refresh(job, ["progress_done", "progress_total"])
    job.status = DONE
    job.result_name = output.result_name
    job.download_name = output.download_name
    job.result = output.summary
    job.result_url = output.result_url
    job.dedupe_key = None
    job.progress_done = job.progress_total = max(job.progress_total, job.progress_done)
    job.finished_at = utcnow()
    job.expires_at = job.finished_at + timedelta(hours=KEEP_HOURS)
    db.session.commit()


def run_due_jobs(app: Flask, *, limit: int = 10) -> int:
    """Run queued jobs (at most `limit`) in an app context; returns how many ran.

    Safe to call from several processes and threads at once: each job is claimed by one.
    """
    ran = 0
    with app.app_context():
        try:
            _requeue_stale()
            while ran < limit:
                job_id = claim_next()
                if job_id is None:
                    break
                run_job(app, job_id)
                ran += 1
            if ran == 0:
                prune_expired()
        finally:
            db.session.remove()
    return ran


def prune_expired() -> int:
    """Delete finished jobs past their expiry, and their files (commits); returns how many."""
    now = utcnow()
    expired = list(
        db.session.scalars(
            select(Job).where(
                Job.status.in_((DONE, FAILED)),
                or_(Job.expires_at < now, Job.finished_at < now - timedelta(days=7)),
            )
        )
    )
    for job in expired:
        path = output_path(job)
        if path is not None:
            path.unlink(missing_ok=True)
        db.session.delete(job)
    db.session.commit()
    return len(expired)


def job_of(job_id: int, user_id: int) -> Job | None:
    """A job, only for the user who asked for it."""
    job = db.session.get(Job, job_id)
    return job if job is not None and job.owner_id == user_id else None


def percent(job: Job) -> int:
    """0-100 for the progress bar."""
    if job.status == DONE:
        return 100
    if not job.progress_total:
        return 0
    return min(100, int(100 * job.progress_done / job.progress_total))
