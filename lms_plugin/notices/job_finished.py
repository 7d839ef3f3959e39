"""The `job_finished` notice: a coordinator's background job (matcher, ZIP, import) has ended.

One per job (event key `job <id>`), to the person who started it, for jobs that ended in the
last day (so deploying this sends nothing about old jobs); the round's rules apply as to every
kind: sent once, the person's opt-out, their language, nobody without an address.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

from flask_babel import gettext
from sqlalchemy import select

from lms_plugin.db import db
from lms_plugin.jobs.models import DONE, FAILED, Job
from lms_plugin.jobs.services import announced_kinds
from lms_plugin.jobs.texts import outcome_text, title_of
from lms_plugin.notices.due import Due
from lms_plugin.notices.kinds import JOB_FINISHED

WINDOW = timedelta(days=1)


def finished_jobs(now: datetime) -> Iterator[Due]:
    """A notice per announced job that ended in the last day and has an owner."""
    kinds = announced_kinds()
    if not kinds:
        return
    rows = db.session.execute(
        select(Job.id, Job.owner_id).where(
            Job.kind.in_(kinds),
            Job.status.in_((DONE, FAILED)),
            Job.owner_id.is_not(None),
            Job.finished_at > now - WINDOW,
        )
    )
    for job_id, owner_id in rows:
        if owner_id is not None:
            yield Due(JOB_FINISHED, int(owner_id), f"job {job_id}", {"job_id": int(job_id)})


def job_texts(params: dict[str, object]) -> tuple[str, str]:
    """Subject and text, in the current (the recipient's) language."""
    job = db.session.get(Job, int(str(params["job_id"])))
    if job is None:
        raise LookupError("the job no longer exists")
    title = title_of(job)
    if job.status == FAILED:
        subject = gettext("Failed: %(title)s", title=title)
    else:
        subject = gettext("Finished: %(title)s", title=title)
    text = "\n".join(
        [
            f"{title}: {outcome_text(job)}",
            gettext("Open the tool from Moodle to see the result."),
        ]
    )
    return subject, text
