"""In-process domain events: features publish facts, downstream features react.

This keeps feature packages depending in one direction. A feature that records something a trainee
did (a lesson completed, a check attempted, an assignment submitted or graded, attendance taken, a
journal graded) publishes `ProgressChanged`; it never imports progress. Progress subscribes,
recomputes the credit and publishes `ProgressRecomputed`; certification subscribes to that and
issues the certificate when every requirement holds. Handlers run synchronously, in the
publisher's transaction, so a fact and its consequences commit (or roll back) together.

Subscriptions are made by each subscribing package's `subscriptions.register()`, which the app
factory calls (`lms_plugin.app.register_features`). Subscribing twice is harmless.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

E = TypeVar("E")
Handler = Callable[[Any], None]

_handlers: dict[type, list[Handler]] = {}


@dataclass(frozen=True)
class ProgressChanged:
    """Something that counts towards a trainee's course credit changed."""

    user_id: int
    course_id: str


@dataclass(frozen=True)
class LessonOpened:
    """A trainee opened a lesson for the first time (its module is now "in progress"); nothing
    counting towards credit changed."""

    user_id: int
    course_id: str


@dataclass(frozen=True)
class ProgressRecomputed:
    """Progress recomputed a trainee's standing (summaries stored, scores queued)."""

    user_id: int
    course_id: str


@dataclass(frozen=True)
class ModuleOpenedEarly:
    """A trainer opened a module for a trainee before its conditions were met (with a reason)."""

    actor_id: int
    user_id: int
    course_id: str
    module_id: str
    reason: str


@dataclass(frozen=True)
class CertificateChanged:
    """A certificate was issued (first or renewed) or revoked; features above certification
    (coordination's placement flags, its mentor pool) bring what they derive from it up to date.
    Time passing (expiry) publishes nothing: their scheduled jobs cover it."""

    user_id: int
    course_id: str


@dataclass(frozen=True)
class DemoProgrammeLoaded:
    """`flask demo pilot|national` created a programme; features above coordination add their
    demo data to it (the service year's logbooks, referrals and outcomes)."""

    programme_id: int


def subscribe(event_type: type[E], handler: Callable[[E], None]) -> None:
    """Call `handler(event)` for every published event of this type (once per handler)."""
    handlers = _handlers.setdefault(event_type, [])
    if handler not in handlers:
        handlers.append(handler)


def publish(event: object) -> None:
    """Run the handlers of this event's type, in subscription order."""
    for handler in list(_handlers.get(type(event), ())):
        handler(event)


def subscribers(event_type: type) -> tuple[Handler, ...]:
    """The handlers subscribed to this event type (for tests and diagnostics)."""
    return tuple(_handlers.get(event_type, ()))
