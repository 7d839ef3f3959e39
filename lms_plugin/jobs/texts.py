"""What a job is called and how its end is told, in the current language (pages, banner, mail)."""

from __future__ import annotations

from flask_babel import gettext as _

from lms_plugin.jobs.models import DONE, FAILED, RUNNING, Job
from lms_plugin.jobs.services import kind_info


def title_of(job: Job) -> str:
    """The job's name for its owner ("Export" for kinds without one)."""
    info = kind_info(job.kind)
    return info.title() if info is not None else _("Export")


def failure_text(job: Job) -> str:
    """Why a failed job failed, as far as the user can act on it."""
    reason = (job.result or {}).get("message")
    if reason:
        return _("It failed: %(reason)s", reason=str(reason))
    if job.error and "worker stopped" in job.error:
        return _("It failed: the background worker stopped while running it. Start it again.")
    return _("It failed. Start it again; if it fails again, tell the administrator.")


def outcome_text(job: Job) -> str:
    """One sentence on how a finished (or failed) job ended."""
    if job.status == FAILED:
        return failure_text(job)
    info = kind_info(job.kind)
    if info is not None and info.describe is not None and job.result is not None:
        return info.describe(job)
    return _("Finished.")


def status_text(job: Job) -> str:
    """One sentence for the user about where the job stands."""
    if job.status == DONE:
        if job.download_name:
            return _("Ready: %(name)s", name=job.download_name)
        return outcome_text(job)
    if job.status == FAILED:
        if kind_info(job.kind) is None:
            return _(
                "The export failed. Start it again; if it fails again, tell the administrator."
            )
        return failure_text(job)
    if job.status == RUNNING:
        if job.progress_total > 1:
            return _(
                "Working: %(done)s of %(total)s done.",
                done=job.progress_done,
                total=job.progress_total,
            )
        return _("Working…")
    return _("Waiting to start…")
