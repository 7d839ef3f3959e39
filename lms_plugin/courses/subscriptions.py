"""What courses answers for features below it (the deep-link picker reads the course)."""

from __future__ import annotations

from lms_plugin import providers


def register() -> None:
    from lms_plugin.courses.content import get_course

    providers.provide("course", get_course)
