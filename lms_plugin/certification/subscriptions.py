"""Certification reacts when progress has recomputed a trainee's standing, and answers questions
about certificates for the features below it (the refresher module, corrections, the progress
page)."""

from __future__ import annotations

from typing import Any

from lms_plugin import events, providers


def _check(event: events.ProgressRecomputed) -> None:
    from lms_plugin.certification.services import check_and_issue

    check_and_issue(event.user_id, event.course_id)


def _has_certificate(user_id: int, course_id: str) -> bool:
    from lms_plugin.certification.services import latest_certificate

    return latest_certificate(user_id, course_id) is not None


def _overview(user_id: int, course: Any, progress: Any) -> dict[str, Any]:
    from lms_plugin.certification.missing import missing_requirements
    from lms_plugin.certification.services import certificate_state, latest_certificate

    cert = latest_certificate(user_id, course.id)
    certificate = (cert, certificate_state(cert)) if cert else None
    valid = certificate is not None and certificate[1] == "valid"
    missing = [] if valid else missing_requirements(user_id, course, progress)
    return {"certificate": certificate, "missing": missing}


def register() -> None:
    from lms_plugin.certification.services import valid_certificate

    events.subscribe(events.ProgressRecomputed, _check)
    providers.provide("has_certificate", _has_certificate)
    providers.provide("valid_certificate", valid_certificate)
    providers.provide("certificate_overview", _overview)
