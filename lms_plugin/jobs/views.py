"""A job's page (progress, then the download link or the result), its JSON for polling, the file;
and the banner that tells a job's owner, on their next page, that it ended."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, render_template, send_file, url_for
from flask_babel import gettext as _

from lms_plugin.accounts.current import login_required, require_launch
from lms_plugin.errors import NotFound
from lms_plugin.jobs import banner, services
from lms_plugin.jobs.models import DONE, Job
from lms_plugin.jobs.texts import status_text, title_of

bp = Blueprint("jobs", __name__, url_prefix="/jobs")
bp.before_app_request(banner.announce_finished)


def _own_job(job_id: int) -> Job:
    job = services.job_of(job_id, require_launch().user.id)
    if job is None:
        raise NotFound(_("This export does not exist, or it has expired."))
    return job


def state_of(job: Job) -> dict[str, object]:
    """Where a job stands, for its page and the polling script (static/js/jobs.js)."""
    ready = job.status == DONE and services.output_path(job) is not None
    return {
        "status": job.status,
        "done": job.progress_done,
        "total": job.progress_total,
        "percent": services.percent(job),
        "message": status_text(job),
        "download_url": url_for("jobs.download", job_id=job.id) if ready else None,
        "result_url": job.result_url if job.status == DONE else None,
    }


@bp.get("/<int:job_id>")
@login_required
def status(job_id: int) -> str:
    """The job's page; static/js/jobs.js polls `status_json` and shows the link when ready."""
    job = _own_job(job_id)
    return render_template(
        "jobs/status.html",
        job=job,
        state=state_of(job),
        title=title_of(job),
        announced=services.kind_info(job.kind) is not None,
    )


@bp.get("/<int:job_id>.json")
@login_required
def status_json(job_id: int) -> Response:
    return jsonify(state_of(_own_job(job_id)))


@bp.get("/<int:job_id>/download")
@login_required
def download(job_id: int) -> Response:
    """The finished file, as a download, only for the user who asked for it."""
    job = _own_job(job_id)
    path = services.output_path(job) if job.status == DONE else None
    if path is None:
        raise NotFound(_("This export is not ready, or it has expired."))
    response = send_file(
        path,
        mimetype="application/zip" if (job.download_name or "").endswith(".zip") else None,
        as_attachment=True,
        download_name=job.download_name or "export",
        max_age=0,
    )
    response.headers["Cache-Control"] = "no-store, private"
    return response
