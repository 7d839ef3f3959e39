"""Publish progress to Moodle through AGS: course hours, and each module launch's own column."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from lms_plugin.accounts.models import Membership, ResourceLink, Role
from lms_plugin.db import db
from lms_plugin.progress.models import CourseSummary, ModuleSummary
from lms_plugin.progress.services import CourseProgress


def _queue(**kwargs: Any) -> None:
    try:
        from lms_plugin.lti.ags import queue_score
    except ImportError:
        return
    queue_score(**kwargs)


def publish_progress(user_id: int, course: Any, progress: CourseProgress) -> int:
    """Queue scores whose value changed since last published; returns how many were queued."""
    try:
        from lms_plugin.lti.ags import LineItemSpec
    except ImportError:
        return 0
    summary = db.session.scalar(
        select(CourseSummary).where(
            CourseSummary.user_id == user_id, CourseSummary.course_id == course.id
        )
    )
    contexts = list(
        db.session.scalars(
            select(Membership.context_pk).where(
                Membership.user_id == user_id,
                Membership.role == Role.TRAINEE.value,
                Membership.is_active,
            )
        )
    )
    if not contexts:
        return 0
    queued = 0
    complete = progress.hours_credited + 1e-9 >= progress.hours_total
    activity = (
        "Completed" if complete else ("InProgress" if progress.hours_credited > 0 else "Started")
    )
    links = list(
        db.session.scalars(
            select(ResourceLink).where(
                ResourceLink.context_pk.in_(contexts), ResourceLink.lineitem_url.is_not(None)
            )
        )
    )
    if summary is not None and summary.published_hours != progress.hours_credited:
        for context_pk in contexts:
            _queue(
                user_id=user_id,
                context_pk=context_pk,
                resource_link_pk=None,
                line_item=LineItemSpec(
                    resource_id=f"course:{course.id}",
                    tag="course-progress",
                    label="Mentor course: hours credited",
                    score_maximum=float(course.hours),
                ),
                score_given=progress.hours_credited,
                score_maximum=float(course.hours),
                activity_progress=activity,
                grading_progress="FullyGraded",
                comment=f"{progress.hours_credited:g} / {course.hours:g}",
            )
            queued += 1
        for link in links:
            if link.target == "course":
                _queue(
                    user_id=user_id,
                    context_pk=link.context_pk,
                    resource_link_pk=link.id,
                    line_item=None,
                    score_given=progress.hours_credited,
                    score_maximum=float(course.hours),
                    activity_progress=activity,
                    grading_progress="FullyGraded",
                    comment=None,
                )
                queued += 1
        summary.published_hours = progress.hours_credited
    module_rows = {
        row.module_id: row
        for row in db.session.scalars(
            select(ModuleSummary).where(
                ModuleSummary.user_id == user_id, ModuleSummary.course_id == course.id
            )
        )
    }
    for link in links:
        target = link.target or ""
        if not target.startswith("module:"):
            continue
        module_id = target.split(":", 1)[1]
        module = course.module(module_id) if module_id in {m.id for m in course.modules} else None
        mp = progress.module(module_id)
        row = module_rows.get(module_id)
        if module is None or mp is None or row is None or row.published_hours == mp.hours_credited:
            continue
        maximum = float(module.hours) or 1.0
        _queue(
            user_id=user_id,
            context_pk=link.context_pk,
            resource_link_pk=link.id,
            line_item=None,
            score_given=mp.hours_credited if module.hours else float(mp.status == "complete"),
            score_maximum=maximum,
            activity_progress="Completed" if mp.status == "complete" else "InProgress",
            grading_progress="FullyGraded",
            comment=None,
        )
        row.published_hours = mp.hours_credited
        queued += 1
    return queued
