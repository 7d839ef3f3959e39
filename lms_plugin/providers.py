"""Questions a feature asks of a feature above it, answered without importing it.

Feature packages depend in one direction (lti → courses → grading, live, journal → progress →
certification → coordination; `tests/foundation/test_import_layers.py` checks it). A few answers
flow the other way: whether a module is unlocked depends on progress; the refresher module opens
with a certificate; who may read a person's record is decided by coordination's scopes. For each
such question this module holds one typed function; the feature that knows the answer provides it
from its `subscriptions.register()` (called by the app factory), the same way it subscribes to
`lms_plugin.events`. Asking before anything was provided is a programming error, not a silent
default, except where a sensible answer exists without the upper feature (documented per function).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_provided: dict[str, Callable[..., Any]] = {}


def provide(name: str, implementation: Callable[..., Any]) -> None:
    """Register the implementation of one question (the last registration wins)."""
    if name not in _QUESTIONS:
        raise KeyError(f"unknown provider {name!r}")
    _provided[name] = implementation


def _ask(name: str, *args: Any) -> Any:
    try:
        implementation = _provided[name]
    except KeyError:
        raise RuntimeError(f"nothing provides {name!r}: is its feature registered?") from None
    return implementation(*args)


def course_progress(user_id: int, course: Any) -> Any:
    """Progress's `CourseProgress` of a trainee (module statuses, hours)."""
    return _ask("course_progress", user_id, course)


def has_certificate(user_id: int, course_id: str) -> bool:
    """Whether the trainee holds (or held) a certificate of the course; False without one."""
    if "has_certificate" not in _provided:
        return False
    return bool(_ask("has_certificate", user_id, course_id))


def valid_certificate(user_id: int, course_id: str) -> Any:
    """The trainee's valid certificate of the course, or None."""
    if "valid_certificate" not in _provided:
        return None
    return _ask("valid_certificate", user_id, course_id)


def may_read_person(launch: Any, user_id: int) -> bool:
    """Whether an administrator or coordinator may read this person's records (their scope)."""
    return bool(_ask("may_read_person", launch, user_id))


def assignment_state(user_id: int, assignment_id: str) -> str:
    """Grading's state of the trainee's submission; "none" when grading is not installed."""
    if "assignment_state" not in _provided:
        return "none"
    return str(_ask("assignment_state", user_id, assignment_id))


def course(course_id: str) -> Any:
    """The course's content (courses.content.Course)."""
    return _ask("course", course_id)


def certificate_overview(user_id: int, course: Any, progress: Any) -> dict[str, Any]:
    """What the trainee's progress page shows about the certificate: {"certificate": (cert, state)
    or None, "missing": [unmet requirements]}; empty without certification."""
    if "certificate_overview" not in _provided:
        return {"certificate": None, "missing": []}
    return dict(_ask("certificate_overview", user_id, course, progress))


def coordinators_of(mentor_user_id: int) -> list[int]:
    """User ids of the coordinators whose programme or centre covers the mentor's home school;
    empty without coordination."""
    if "coordinators_of" not in _provided:
        return []
    return [int(u) for u in _ask("coordinators_of", mentor_user_id)]


def viewer_scope() -> dict[str, Any] | None:
    """The signed-in coordinator's scope as JSON-able values (None: everything; no
    coordination installed means no scoping)."""
    if "viewer_scope" not in _provided:
        return None
    found = _ask("viewer_scope")
    return None if found is None else dict(found)


def users_in_scope(scope: dict[str, Any] | None) -> Any:
    """A select of the user ids a saved scope covers, or None for everyone."""
    if scope is None or "users_in_scope" not in _provided:
        return None
    return _ask("users_in_scope", scope)


def users_of_organisation(school_id: int | None, centre_id: int | None) -> Any:
    """A select of the user ids of teachers at a school or centre; None without coordination."""
    if "users_of_organisation" not in _provided:
        return None
    return _ask("users_of_organisation", school_id, centre_id)


def home_schools(user_ids: list[int]) -> dict[int, str]:
    """Each teacher's home school ("name, town"), to tell people with the same name apart."""
    if "home_schools" not in _provided or not user_ids:
        return {}
    return dict(_ask("home_schools", user_ids))


_QUESTIONS = frozenset(
    {
        "coordinators_of",
        "viewer_scope",
        "users_in_scope",
        "users_of_organisation",
        "home_schools",
        "course_progress",
        "has_certificate",
        "valid_certificate",
        "may_read_person",
        "assignment_state",
        "course",
        "certificate_overview",
    }
)


def provided() -> frozenset[str]:
    """The questions something has answered (diagnostics and tests)."""
    return frozenset(_provided)
