"""Values read once per request: the platform, deployment, context and certificate a request
reads in several places cost one statement, not one per place.

Kept in the request's WSGI environ, not on `flask.g`: `g` belongs to the application context,
which a request shares with an enclosing one (a CLI command, a test), so values on it would
outlive the request. Only for rows that do not change during the request, or whose ORM object
is the one a change would go through (the same identity). Outside a request nothing is kept.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from flask import has_request_context, request

T = TypeVar("T")
_MISSING = object()
_KEY = "lms_plugin.request_cache"


def _store() -> dict[Hashable, Any] | None:
    if not has_request_context():
        return None
    store: dict[Hashable, Any] = request.environ.setdefault(_KEY, {})
    return store


def lookup(key: Hashable) -> Any:
    """The value remembered under `key` in this request, or None."""
    store = _store()
    return None if store is None else store.get(key)


def remember(key: Hashable, value: T) -> T:
    """Keep `value` for the rest of the request; returns it."""
    store = _store()
    if store is not None:
        store[key] = value
    return value


def once(key: Hashable, compute: Callable[[], T]) -> T:
    """`compute()` the first time `key` is asked for in this request, the same value afterwards
    (None included)."""
    store = _store()
    if store is None:
        return compute()
    found = store.get(key, _MISSING)
    if found is _MISSING:
        found = store[key] = compute()
    return found


def forget(key: Hashable) -> None:
    """Drop `key` (after a change to what it holds)."""
    store = _store()
    if store is not None:
        store.pop(key, None)


def read_only_request() -> bool:
    """A GET or HEAD: nothing the page reads is meant to change while it is answered."""
    return has_request_context() and request.method in ("GET", "HEAD")


def progress_key(user_id: int, course_id: str) -> tuple[str, int, str]:
    """Where a trainee's computed course progress is kept for the rest of a GET request; whoever
    changes a fact it depends on in that request forgets it (see courses.services.open_lesson,
    progress.services.on_progress_event)."""
    return ("course_progress", user_id, course_id)
