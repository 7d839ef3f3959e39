"""A grade's audit as sentences in the reader's language: who did what to the grade, and what
changed (state, outcome, total) in words. Neither codes nor stored snapshots reach the page."""

from __future__ import annotations

from collections.abc import Mapping

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

# Grade states and outcomes as words inside a sentence (grading/models.py).
STATE_WORDS = {
    "new": _l("not started"),
    "in_progress": _l("in progress"),
    "ready": _l("ready for release"),
    "released": _l("released"),
}
OUTCOME_WORDS = {
    "pass": _l("pass"),
    "needs_revision": _l("needs revision"),
    "fail": _l("fail"),
}

Snapshot = Mapping[str, object] | None


def state_word(value: object) -> str:
    """A stored grade state as a word; anything else as "unknown", never the code."""
    word = STATE_WORDS.get(value) if isinstance(value, str) else None
    return str(word) if word is not None else _("unknown")


def outcome_word(value: object) -> str:
    """A stored outcome as a word ("no outcome" when none was chosen)."""
    if value is None or value == "":
        return _("no outcome")
    word = OUTCOME_WORDS.get(value) if isinstance(value, str) else None
    return str(word) if word is not None else _("unknown")


def _number(value: object) -> str:
    total = value if isinstance(value, int | float) and not isinstance(value, bool) else 0
    return f"{total:g}"


def total_words(value: object, points: int | None) -> str:
    """ "12 / 20 points" (or "12 points" when the assignment's maximum is not known)."""
    if points:
        return _("%(total)s / %(points)s points", total=_number(value), points=points)
    return _("%(total)s points", total=_number(value))


def changes(before: Snapshot, after: Snapshot, points: int | None) -> list[str]:
    """What differs between two grade snapshots: state, outcome and total, in words."""
    old: Mapping[str, object] = before or {}
    new: Mapping[str, object] = after or {}
    said: list[str] = []
    if "state" in new and old.get("state") != new.get("state"):
        said.append(
            _(
                "state %(before)s → %(after)s",
                before=state_word(old.get("state", "new")),
                after=state_word(new.get("state")),
            )
        )
    if "outcome" in new and old.get("outcome") != new.get("outcome"):
        said.append(
            _(
                "outcome %(before)s → %(after)s",
                before=outcome_word(old.get("outcome")),
                after=outcome_word(new.get("outcome")),
            )
        )
    if "total" in new and old.get("total") != new.get("total"):
        said.append(
            _(
                "total %(before)s → %(after)s",
                before=_number(old.get("total")),
                after=total_words(new.get("total"), points),
            )
        )
    return said


def _with_changes(text: str, said: list[str]) -> str:
    return _("%(what)s: %(changes)s.", what=text, changes="; ".join(said)) if said else text + "."


def sentence(
    action: str,
    actor: str,
    before: Snapshot,
    after: Snapshot,
    *,
    points: int | None = None,
    marker_names: Mapping[int, str] | None = None,
) -> str:
    """One audit row as a sentence (without the time and the reason)."""
    said = changes(before, after, points)
    if action == "save":
        return _with_changes(_("%(actor)s saved the marking", actor=actor), said)
    if action == "ready":
        return _with_changes(_("%(actor)s marked the grade ready for release", actor=actor), said)
    if action == "reopen":
        return _with_changes(_("%(actor)s reopened the grade for more marking", actor=actor), said)
    if action == "released":
        new: Mapping[str, object] = after or {}
        return _(
            "%(actor)s released the grade: %(total)s, %(outcome)s.",
            actor=actor,
            total=total_words(new.get("total"), points),
            outcome=outcome_word(new.get("outcome")),
        )
    if action == "rereleased":
        return _with_changes(_("%(actor)s released the correction", actor=actor), said)
    if action == "correction":
        old: Mapping[str, object] = before or {}
        return _(
            "%(actor)s reopened the released grade (%(total)s, %(outcome)s) for correction.",
            actor=actor,
            total=total_words(old.get("total"), points),
            outcome=outcome_word(old.get("outcome")),
        )
    if action == "allocated":
        marker = (after or {}).get("allocated_to_id")
        if not isinstance(marker, int):
            return _("%(actor)s left the submission without a marker.", actor=actor)
        name = (marker_names or {}).get(marker) or _("a former user")
        return _("%(actor)s gave the submission to %(marker)s.", actor=actor, marker=name)
    return _with_changes(_("%(actor)s changed the grade", actor=actor), said)
