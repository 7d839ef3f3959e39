"""The national matcher as a background job: one at a time per programme, its drafts the result.

The request only queues (`start`); the worker runs `matching.services.run` and the drafts commit
with the job's "done" row, or not at all. The programme's key (`matching_run:<programme id>`)
is held while the job is queued or running, so a second start (another tab, another
coordinator) gets the running job and its progress page instead of a second run.
"""

from __future__ import annotations

from flask import request, url_for
from flask_babel import gettext as _

from lms_plugin.accounts.models import User
from lms_plugin.coordination.matching import services as matching
from lms_plugin.coordination.models import Programme
from lms_plugin.coordination.web import bp
from lms_plugin.db import db
from lms_plugin.errors import DomainError
from lms_plugin.jobs import services as jobs
from lms_plugin.jobs.models import Job

MATCH_KIND = "matching_run"


def dedupe_key(programme_id: int) -> str:
    return f"{MATCH_KIND}:{programme_id}"


def _title() -> str:
    return _("Mentor proposal (matcher)")


def _describe(job: Job) -> str:
    result = job.result or {}
    return _(
        "Proposal ready: %(m)s of %(n)s waiting helpers matched. Review and publish it.",
        m=result.get("matched", 0),
        n=result.get("considered", 0),
    )


def start(programme: Programme, by: User) -> tuple[Job, bool]:
    """Queue the matcher for the programme, or return the one already queued or running."""
    return jobs.start_once(
        MATCH_KIND,
        dedupe_key=dedupe_key(programme.id),
        owner_id=by.id,
        params={"programme_id": programme.id, "by_id": by.id, "base_url": request.url_root},
        total=1,
    )


def active(programme_id: int) -> Job | None:
    """The matcher job queued or running for the programme, if any."""
    return jobs.active_job(dedupe_key(programme_id))


@bp.app_template_global()
def active_matcher_job(programme_id: int) -> Job | None:
    """For the run button: disabled, with a link to the progress, while a run is under way."""
    return active(programme_id)


@jobs.handler(MATCH_KIND, title=_title, describe=_describe)
def run_matcher(job: Job, progress: jobs.Progress) -> jobs.Output:
    """Run the matcher for the job's programme; the drafts are flushed, the worker commits."""
    programme = db.session.get(Programme, int(job.params["programme_id"]))
    by = db.session.get(User, int(job.params["by_id"]))
    if programme is None or by is None:
        raise DomainError(_("The programme or the coordinator no longer exists."))
    progress(0, 1, force=True)
    run = matching.run(programme, by)
    return jobs.Output(
        summary={
            "run_id": run.id,
            "programme_id": programme.id,
            "matched": run.matched,
            "considered": run.helpers_considered,
        },
        result_url=url_for("coordination.match_review", run_id=run.id),
    )
