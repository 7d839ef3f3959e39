"""The banner on a job owner's next page: "the matcher has finished" (once per job)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

from flask import flash, request
from sqlalchemy import CursorResult, select, update

from lms_plugin.accounts.current import current_launch
from lms_plugin.db import db, utcnow
from lms_plugin.jobs.models import DONE, FAILED, Job
from lms_plugin.jobs.services import announced_kinds
from lms_plugin.jobs.texts import outcome_text, title_of

RECENT = timedelta(days=1)  # a job that ended longer ago is not announced any more
# Where coordinators work (other pages, e.g. a trainee's home, never load the user for this).
COORDINATOR_PAGES = frozenset({"coordination", "certification", "jobs", "service", "admin"})


def announce_finished() -> None:
    """before_app_request: flash the coordinator's jobs that ended since their last page.

    Only page views (GET, not the polling JSON or downloads) of the coordinators' areas, by
    coordinators (the only owners of announced jobs): no other page pays the query. The
    compare-and-set on `announced_at` shows each banner once even with two tabs.
    """
    endpoint = request.endpoint or ""
    if (
        request.method != "GET"
        or request.blueprint not in COORDINATOR_PAGES
        or endpoint == "jobs.download"
        or endpoint.endswith("_json")
    ):
        return
    kinds = announced_kinds()
    launch = current_launch()
    if not kinds or launch is None or not launch.is_coordinator:
        return
    ended = list(
        db.session.scalars(
            select(Job)
            .where(
                Job.owner_id == launch.user.id,
                Job.kind.in_(kinds),
                Job.status.in_((DONE, FAILED)),
                Job.announced_at.is_(None),
                Job.finished_at > utcnow() - RECENT,
            )
            .order_by(Job.finished_at)
        )
    )
    for job in ended:
        claimed = db.session.execute(
            update(Job)
            .where(Job.id == job.id, Job.announced_at.is_(None))
            .values(announced_at=utcnow())
        )
        taken = cast("CursorResult[Any]", claimed).rowcount
        if taken:
            flash(
                f"{title_of(job)}: {outcome_text(job)}",
                "success" if job.status == DONE else "danger",
            )
    if ended:
        db.session.commit()
