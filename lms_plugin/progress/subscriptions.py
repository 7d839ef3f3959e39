"""Progress listens for facts other features publish and recomputes the trainee's credit."""

from __future__ import annotations

from lms_plugin import events


def _recompute(event: events.ProgressChanged) -> None:
    from lms_plugin.progress.services import on_progress_event

    on_progress_event(event.user_id, event.course_id)


def register() -> None:
    events.subscribe(events.ProgressChanged, _recompute)
