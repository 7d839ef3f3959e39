"""The outcome rules beyond points: must-pass criteria and "needs revision" triggers.

A grade whose must-pass criterion is below its minimum level, or with a trigger ticked (say, the
work identifies a student), cannot pass whatever its total: the trainee revises exactly that.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from lms_plugin.courses.content import Assignment, Criterion, Level, Trigger, localized

# Texts of the triggers a course names by id alone (reader_items.BUILTIN_TRIGGERS).
BUILTIN_TEXTS: dict[str, tuple[Any, Any]] = {
    "identifiable-data": (
        _l("Identifiable personal data"),
        _l(
            "The work names or identifies a student (or another person): use a made-up name "
            "and leave out anything that would let a reader recognise them."
        ),
    ),
    "unsafe-advice": (
        _l("Unsafe advice"),
        _l(
            "The work gives advice that could put a student at risk (for example keeping a "
            "disclosure secret, or handling a crisis alone): rework it along the protocol."
        ),
    ),
}


@dataclass(frozen=True)
class Reason:
    """One rule that stops a pass: a must-pass criterion below its minimum, or a trigger."""

    kind: str  # "criterion" | "trigger"
    id: str
    criterion: Criterion | None = None
    chosen: Level | None = None
    trigger: Trigger | None = None

    def title(self, lang: str) -> str:
        """What to revise, in the page language."""
        if self.criterion is not None:
            return localized(self.criterion.title, lang)
        assert self.trigger is not None
        return trigger_title(self.trigger, lang)

    def explanation(self, lang: str) -> str:
        """Why it stops a pass, in the page language."""
        if self.criterion is not None:
            needed = self.criterion.min_level_obj
            return _(
                "This criterion must reach at least “%(level)s” to pass; this attempt reached "
                "“%(chosen)s”.",
                level=localized(needed.title, lang) if needed else "?",
                chosen=localized(self.chosen.title, lang) if self.chosen else "–",
            )
        assert self.trigger is not None
        return trigger_description(self.trigger, lang)


def trigger_title(trigger: Trigger, lang: str) -> str:
    """The trigger's name: the course's text, or the tool's for a built-in one."""
    if trigger.builtin and not trigger.title:
        return str(BUILTIN_TEXTS.get(trigger.id, (trigger.id, ""))[0])
    return localized(trigger.title, lang) or trigger.id


def trigger_description(trigger: Trigger, lang: str) -> str:
    """What the trigger means for the trainee."""
    if trigger.builtin and not trigger.description:
        return str(BUILTIN_TEXTS.get(trigger.id, ("", ""))[1])
    return localized(trigger.description, lang)


def reasons(
    assignment: Assignment, levels: dict[str, int | None], triggers: Iterable[str]
) -> list[Reason]:
    """Every rule that stops a pass, in rubric order, then the triggers in course order.

    A criterion without a chosen level is not (yet) a reason: marking ready needs every level.
    """
    found: list[Reason] = []
    for criterion in assignment.rubric:
        index = levels.get(criterion.id)
        if criterion.must_pass and index is not None and 0 <= index < criterion.min_level:
            found.append(
                Reason(
                    "criterion", criterion.id, criterion=criterion, chosen=criterion.levels[index]
                )
            )
    ticked = set(triggers)
    found.extend(
        Reason("trigger", t.id, trigger=t) for t in assignment.revision_triggers if t.id in ticked
    )
    return found


def grade_reasons(assignment: Assignment, grade: Any) -> list[Reason]:
    """The reasons of a stored (or released) grade: its chosen levels and ticked triggers."""
    if grade is None:
        return []
    levels: dict[str, int | None] = {}
    for criterion in assignment.rubric:
        score = grade.score(criterion.id)
        levels[criterion.id] = score.level if score is not None else None
    return reasons(assignment, levels, getattr(grade, "triggers", None) or ())
