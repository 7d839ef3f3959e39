"""Publish progress to Moodle through AGS, each score into the column made for it.

- The course activity's column (resourceId `course:<course id>`) holds course progress: hours
  credited out of the course's hours (Moodle scales it to the column's maximum).
- A module's knowledge check goes to the module activity's column when the module is graded by
  its check (`module:<id>`), or to the check's own activity (`quiz:<id>`) when the module's
  column is its assignment. The best attempt counts (the course's policy, as in the tool).
- Assignment grades are sent by grading when released; modules without a grade have no column.

A score is queued only when it changed, and only into a column the course has: the tool never
adds columns the teacher did not create (see lms_plugin.lti.line_items).
"""

from __future__ import annotations

from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from lms_plugin.accounts.models import LmsContext, Membership, Role
from lms_plugin.courses.content import localized
from lms_plugin.db import db
from lms_plugin.progress.models import CourseSummary
from lms_plugin.progress.services import CourseProgress


def quiz_resource_id(module: Any) -> str:
    """The column of a module's knowledge check: the module's own unless that is its assignment."""
    return f"quiz:{module.id}" if module.assignment is not None else f"module:{module.id}"


def publish_progress(user_id: int, course: Any, progress: CourseProgress) -> int:
    """Queue the scores whose value changed since last queued; returns how many were queued."""
    try:
        from lms_plugin.lti.ags import LineItemSpec, latest_queued, queue_score, target_key
    except ImportError:  # pragma: no cover - the lti feature is part of the app
        return 0
    contexts = db.session.execute(
        select(LmsContext.id, LmsContext.gradebook_locale)
        .join(Membership, Membership.context_pk == LmsContext.id)
        .where(
            Membership.user_id == user_id,
            Membership.role == Role.TRAINEE.value,
            Membership.is_active,
        )
    ).all()
    if not contexts:
        return 0
    complete = progress.hours_credited + 1e-9 >= progress.hours_total
    activity = (
        "Completed" if complete else ("InProgress" if progress.hours_credited > 0 else "Started")
    )
    last = latest_queued(user_id, [context_pk for context_pk, _locale in contexts])
    queued = 0

    def publish(context_pk: int, spec: Any, score: float, comment: str | None, done: str) -> None:
        nonlocal queued
        if last.get((context_pk, target_key(None, spec))) == (score, comment):
            return  # unchanged since it was last queued
        queue_score(
            user_id=user_id,
            context_pk=context_pk,
            line_item=spec,
            score_given=score,
            score_maximum=spec.score_maximum,
            activity_progress=done,
            grading_progress="FullyGraded",
            comment=comment,
        )
        queued += 1

    for context_pk, locale in contexts:
        lang = (locale or course.default_language or "hu")[:2]
        course_column = LineItemSpec(
            resource_id=f"course:{course.id}",
            tag="course-progress",
            label=localized(course.title, lang, course.default_language),
            score_maximum=float(course.hours),
        )
        hours = progress.hours_credited
        publish(context_pk, course_column, hours, _hours_comment(progress, lang), activity)
        for module in course.modules:
            mp = progress.module(module.id)
            if module.quiz is None or mp is None or mp.quiz_best is None:
                continue
            quiz_column = LineItemSpec(
                resource_id=quiz_resource_id(module),
                tag="quiz",
                label=localized(module.title, lang, course.default_language),
                score_maximum=100.0,
            )
            done = "Completed" if mp.quiz_passed else "Submitted"
            publish(context_pk, quiz_column, float(mp.quiz_best), None, done)
    summary = db.session.scalar(
        select(CourseSummary).where(
            CourseSummary.user_id == user_id, CourseSummary.course_id == course.id
        )
    )
    if summary is not None:
        summary.published_hours = progress.hours_credited
    return queued


def _hours_comment(progress: CourseProgress, lang: str) -> str:
    with force_locale(lang):
        return _(
            "%(done)s of %(total)s hours credited",
            done=f"{progress.hours_credited:g}",
            total=f"{progress.hours_total:g}",
        )
