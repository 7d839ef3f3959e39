"""Certification reacts when progress has recomputed a trainee's standing."""

from __future__ import annotations

from lms_plugin import events


def _check(event: events.ProgressRecomputed) -> None:
    from lms_plugin.certification.services import check_and_issue

    check_and_issue(event.user_id, event.course_id)


def register() -> None:
    events.subscribe(events.ProgressRecomputed, _check)
