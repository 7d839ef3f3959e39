"""Reading the grading form (its fields follow the rubric, so it is parsed by hand, not WTForms)."""

from __future__ import annotations

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from lms_plugin.courses.content import Assignment
from lms_plugin.errors import DomainError
from lms_plugin.grading.workflow import Marking
from lms_plugin.input_guard import parse_int


def _int(value: str | None, field: str) -> int | None:
    if value is None or value == "":
        return None
    try:
        return int(value)
    except ValueError:
        raise DomainError(
            _("The field %(field)s must be a whole number.", field=field), status_code=422
        ) from None


def parse_marking(form: MultiDict[str, str], assignment: Assignment) -> Marking:
    """Fields: version, level-<criterion>, points-<criterion>, comment-<criterion>, feedback,
    outcome, trigger (repeated).

    Points follow from the chosen levels; only within a level's range does the client choose
    them (the workflow checks the range).
    """
    version = _int(form.get("version"), "version")
    marking = Marking(
        version=version or 0,
        feedback=form.get("feedback", ""),
        outcome=form.get("outcome") or None,
        triggers=[t for t in form.getlist("trigger") if t][:50],
    )
    for criterion in assignment.rubric:
        marking.levels[criterion.id] = _int(form.get(f"level-{criterion.id}"), criterion.id)
        marking.comments[criterion.id] = form.get(f"comment-{criterion.id}", "")
        marking.points[criterion.id] = _int(form.get(f"points-{criterion.id}"), criterion.id)
    return marking


def parse_ids(values: list[str]) -> list[int]:
    """Submission ids from checkboxes; anything that is not a number is ignored."""
    ids: list[int] = []
    for value in values:
        number = parse_int(value)
        if number is not None and number not in ids:
            ids.append(number)
    return ids[:500]
