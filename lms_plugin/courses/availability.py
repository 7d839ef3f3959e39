"""The one availability rule: is a lesson, check, assignment or file open for a person, and why not.

Every route that shows or accepts a course item asks `require_available`; pages that list items
ask `module_availability` once. The rule (like Moodle's "Restrict access"): a module is open when
the course is not sequential or every earlier core module is complete; the refresher opens for
certificate holders; a trainer's exception opens a module early. The course format declares no
dates or per-item prerequisites yet; new conditions are added here as further `Reason` kinds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select

from lms_plugin import events, providers
from lms_plugin.accounts.models import Role, User
from lms_plugin.courses.content import Assignment, Course, Lesson, Module, Quiz, localized
from lms_plugin.courses.models import AvailabilityException
from lms_plugin.db import db
from lms_plugin.errors import DomainError, Forbidden

Item = Module | Lesson | Quiz | Assignment


@dataclass(frozen=True)
class Reason:
    """One unmet condition, with the page that helps meet it (`endpoint` + `values`)."""

    kind: str  # "sequence" | "certificate"
    text: str
    endpoint: str | None = None
    values: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Availability:
    """Open or not; when closed, every condition still to meet."""

    open: bool
    reasons: tuple[Reason, ...] = ()
    by_exception: bool = False


class NotAvailable(Forbidden):
    """A closed item was asked for: 403 with a page that says when it opens."""

    def __init__(self, title: str, availability: Availability) -> None:
        super().__init__(_("“%(title)s” is not available yet.", title=title))
        self.title = title
        self.availability = availability


def _title(course: Course, texts: dict[str, str]) -> str:
    locale = get_locale()
    return localized(texts, course.language_for(locale.language if locale else None))


def module_of(course: Course, item: Item) -> Module:
    """The module an item belongs to (a module is its own)."""
    if isinstance(item, Module):
        return item
    module = course.module(item.module_id)
    if module is None:  # content ids are validated on load; this is a programming error
        raise DomainError(_("This item does not belong to the course."), status_code=404)
    return module


def item_title(course: Course, item: Item) -> str:
    """What the trainee calls the item (a knowledge check is named after its module)."""
    if isinstance(item, Quiz):
        module = module_of(course, item)
        return _("Knowledge check: %(title)s", title=_title(course, module.title))
    return _title(course, item.title)


def exceptions_for(user_id: int, course_id: str) -> set[str]:
    """Modules a trainer opened early for this trainee."""
    return set(
        db.session.scalars(
            select(AvailabilityException.module_id).where(
                AvailabilityException.user_id == user_id,
                AvailabilityException.course_id == course_id,
            )
        )
    )


def _has_certificate(user_id: int, course_id: str) -> bool:
    return providers.has_certificate(user_id, course_id)


def module_availability(
    user_id: int, course: Course, progress: Any | None = None
) -> dict[str, Availability]:
    """Every module's availability for this trainee, in course order (a few queries in all)."""
    if progress is None:
        progress = providers.course_progress(user_id, course)
    # The next module opens when this one's self-study is done; its live sessions and practicum
    # follow their own calendar (they still count for the module and the certificate).
    complete = {
        m.module_id
        for m in progress.modules
        if m.status == "complete" or getattr(m, "unlocks_next", False)
    }
    opened_early = exceptions_for(user_id, course.id)
    result: dict[str, Availability] = {}
    earlier_open: list[Module] = []
    certified: bool | None = getattr(progress, "certified", None)  # progress asked already
    for module in course.modules:
        reasons: list[Reason] = []
        if module.kind == "refresher":
            if certified is None:
                certified = _has_certificate(user_id, course.id)
            if not certified:
                reasons.append(
                    Reason(
                        "certificate",
                        _("you hold a mentor certificate (the refresher renews it)"),
                        "certification.mine",
                    )
                )
        elif course.sequential:
            reasons.extend(
                Reason(
                    "sequence",
                    _(
                        "the lessons, knowledge check and assignment of “%(title)s” are done",
                        title=_title(course, m.title),
                    ),
                    "courses.module",
                    {"module_id": m.id},
                )
                for m in earlier_open
            )
        if module.kind != "refresher" and module.id not in complete:
            earlier_open.append(module)
        if reasons and module.id in opened_early:
            result[module.id] = Availability(True, (), by_exception=True)
        else:
            result[module.id] = Availability(not reasons, tuple(reasons))
    return result


def availability(user: User | int, course: Course, item: Item) -> Availability:
    """Whether this item is open for this person, and what still has to happen when it is not."""
    user_id = user if isinstance(user, int) else user.id
    return module_availability(user_id, course)[module_of(course, item).id]


def is_checked(launch: Any) -> bool:
    """Trainees meet the rule; trainers, coordinators and admins see every item."""
    return bool(launch.role == Role.TRAINEE)


def require_available(launch: Any, course: Course, item: Item) -> Availability:
    """The item's availability for the launched person; NotAvailable (403 page) when closed."""
    if not is_checked(launch):
        return Availability(True)
    result = availability(launch.user, course, item)
    if not result.open:
        raise NotAvailable(item_title(course, item), result)
    return result


def grant_exception(actor: User, user_id: int, course: Course, module_id: str, reason: str) -> None:
    """A trainer opens a module early for a trainee; audited with the reason (flush only)."""
    module = course.module(module_id)
    if module is None:
        raise DomainError(_("Choose a module."))
    reason = reason.strip()
    if len(reason) < 3:
        raise DomainError(_("Give a reason (it is kept in the audit log)."))
    before = availability(user_id, course, module)
    if before.open:
        raise DomainError(_("This module is already open for this trainee."))
    db.session.add(
        AvailabilityException(
            user_id=user_id,
            course_id=course.id,
            module_id=module.id,
            granted_by_id=actor.id,
            reason=reason[:1000],
        )
    )
    db.session.flush()
    events.publish(  # progress keeps it in the trainee's audit log
        events.ModuleOpenedEarly(actor.id, user_id, course.id, module.id, reason[:1000])
    )
