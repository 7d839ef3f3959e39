"""What stands between a trainee and the certificate: each unmet requirement, with a link to it.

The certification rules (`certification.rules`) say which rules are open; this module names the
modules, knowledge checks, assignments and times behind each open rule, so the home, progress and
certificate pages never say only "certificate not yet".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import format_decimal, get_locale
from flask_babel import gettext as _

from lms_plugin.courses.content import Course, localized

COVERED = {"modules", "quizzes", "assignments"}  # named item by item below


@dataclass(frozen=True)
class Missing:
    """One unmet requirement: what it is, and the page where the trainee can meet it."""

    kind: str  # module | lessons | quiz | assignment | module_time | hours | active_time |
    # evaluation | rule
    text: str
    endpoint: str | None = None
    values: dict[str, Any] = field(default_factory=dict)


def _t(course: Course, texts: dict[str, str]) -> str:
    locale = get_locale()
    return localized(texts, course.language_for(locale.language if locale else None))


def _assignment_text(state: str) -> str:
    texts = {
        "none": _("not submitted yet"),
        "draft": _("a draft, not submitted yet"),
        "submitted": _("submitted, waiting for the trainer's grade"),
        "needs_revision": _("needs revision: read the feedback and submit again"),
        "failed": _("not passed"),
    }
    return texts.get(state, _("not passed"))


def _module_items(course: Course, progress: Any, open_keys: set[str]) -> list[Missing]:
    """Per core module: lessons left, the check, the assignment, the module's minimum time."""
    rules = course.certification
    items: list[Missing] = []
    for module in course.core_modules:
        mp = progress.module(module.id)
        if mp is None:
            continue
        title = _t(course, module.title)
        link = {"module_id": module.id}
        incomplete = "modules" in open_keys and mp.status != "complete"
        found: list[Missing] = []
        if incomplete and mp.lessons_done < mp.lessons_total:
            found.append(
                Missing(
                    "lessons",
                    _(
                        "Module “%(title)s”: %(left)d of %(total)d lessons not completed",
                        title=title,
                        left=mp.lessons_total - mp.lessons_done,
                        total=mp.lessons_total,
                    ),
                    "courses.module",
                    link,
                )
            )
        quiz_needed = incomplete or ("quizzes" in open_keys and rules.require_quizzes_passed)
        if module.quiz is not None and quiz_needed and not mp.quiz_passed:
            best = (
                _("best so far %(score)s%%", score=format_decimal(mp.quiz_best))
                if mp.quiz_best is not None
                else _("not taken yet")
            )
            found.append(
                Missing(
                    "quiz",
                    _(
                        "Knowledge check of “%(title)s” not passed (%(best)s)",
                        title=title,
                        best=best,
                    ),
                    "courses.quiz",
                    link,
                )
            )
        if module.assignment is not None:
            wanted = (
                {"passed"}
                if rules.require_assignments_passed
                else (
                    {"submitted", "passed", "failed"}
                    if course.assignment_completion == "submitted"
                    else {"passed"}
                )
            )
            needed = ("assignments" in open_keys and rules.require_assignments_passed) or (
                incomplete
            )
            if needed and mp.assignment_state not in wanted:
                found.append(
                    Missing(
                        "assignment",
                        _(
                            "Assignment “%(title)s”: %(state)s",
                            title=_t(course, module.assignment.title),
                            state=_assignment_text(mp.assignment_state),
                        ),
                        "grading.assignment",
                        {"assignment_id": module.assignment.id},
                    )
                )
        minimum = int(module.min_active_minutes) * 60
        if incomplete and minimum and mp.active_seconds < minimum:
            found.append(
                Missing(
                    "module_time",
                    _(
                        "Module “%(title)s”: %(done)d of %(total)d minutes of active study",
                        title=title,
                        done=mp.active_seconds // 60,
                        total=module.min_active_minutes,
                    ),
                    "courses.module",
                    link,
                )
            )
        if incomplete and not found:
            found.append(
                Missing(
                    "module",
                    _("Module “%(title)s” is not complete yet", title=title),
                    "courses.module",
                    link,
                )
            )
        items.extend(found)
    return items


def missing_requirements(
    user_id: int, course: Course, progress: Any | None = None
) -> list[Missing]:
    """Every requirement for the certificate that is still open, in the order of the course."""
    from lms_plugin.certification.services import rule_report
    from lms_plugin.progress.services import course_progress

    report = rule_report(user_id, course.id)
    open_rules = [rule for rule in report if not rule.met]
    if not open_rules:
        return []
    if progress is None:
        progress = course_progress(user_id, course)
    keys = {rule.key for rule in open_rules}
    items: list[Missing] = []
    if keys & COVERED:
        items.extend(_module_items(course, progress, keys))
    for rule in open_rules:
        if rule.key in COVERED:
            continue
        text = f"{rule.label}: {rule.detail}" if rule.detail else rule.label
        if rule.key == "refresher" and course.refresher is not None:
            items.append(
                Missing("module", text, "courses.module", {"module_id": course.refresher.id})
            )
        elif rule.key in ("hours", "active_time"):
            items.append(Missing(rule.key, text, "progress.dashboard"))
        elif rule.key == "evaluation":
            items.append(Missing("evaluation", text, "evaluation.index"))
        else:
            items.append(Missing("rule", text))
    return items
