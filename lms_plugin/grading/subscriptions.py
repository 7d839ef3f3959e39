"""What grading answers for features below it (a module's page shows the assignment's state)."""

from __future__ import annotations

from lms_plugin import providers


def register() -> None:
    from lms_plugin.grading.services import assignment_state

    providers.provide("assignment_state", assignment_state)
