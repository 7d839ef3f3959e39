"""Progress listens for facts other features publish, recomputes the trainee's credit, and answers
"where does this trainee stand" for the availability rule below it."""

from __future__ import annotations

from lms_plugin import events, providers


def _recompute(event: events.ProgressChanged) -> None:
    from lms_plugin.progress.services import on_progress_event

    on_progress_event(event.user_id, event.course_id)


def _refresh(event: events.LessonOpened | events.CertificateChanged) -> None:
    from lms_plugin.courses.content import get_course
    from lms_plugin.progress.services import refresh_summary

    refresh_summary(event.user_id, get_course(event.course_id))


def _audit_opened_early(event: events.ModuleOpenedEarly) -> None:
    from lms_plugin.db import db
    from lms_plugin.progress.models import ProgressAudit

    db.session.add(
        ProgressAudit(
            actor_id=event.actor_id,
            user_id=event.user_id,
            course_id=event.course_id,
            module_id=event.module_id,
            action="open_early",
            reason=event.reason,
            before={"available": False},
            after={"available": True},
        )
    )
    db.session.flush()


def register() -> None:
    from lms_plugin.progress.services import course_progress

    events.subscribe(events.ProgressChanged, _recompute)
    events.subscribe(events.LessonOpened, _refresh)  # the stored snapshot: progress.snapshot
    events.subscribe(events.CertificateChanged, _refresh)  # the refresher module opens
    events.subscribe(events.ModuleOpenedEarly, _audit_opened_early)
    providers.provide("course_progress", course_progress)
