"""Parsing the evaluation forms: unknown fields, values off the scale and huge texts are a 400."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping

from flask_babel import gettext as _

from lms_plugin.errors import DomainError

MAX_TEXT = 2000  # characters per free-text answer
ALLOWED_EXTRA = {"csrf_token"}


class BadInput(DomainError):
    """The form was not sent by our page (a field or value it never offers)."""

    status_code = 400


def _fields(form: Mapping[str, str], prefix: str, ids: Iterable[str]) -> dict[str, str]:
    """{id: raw value} for `prefix-<id>` fields; any other field refuses the whole form."""
    known = set(ids)
    found: dict[str, str] = {}
    for name in form:
        if name in ALLOWED_EXTRA:
            continue
        key = name.removeprefix(prefix)
        if key == name or key not in known:
            raise BadInput(_("The form holds an item this page does not ask about."))
        getlist = getattr(form, "getlist", None)
        if getlist is not None and len(getlist(name)) > 1:
            raise BadInput(_("The form holds an item this page does not ask about."))
        found[key] = form[name]
    return found


def _rating(raw: str, values: tuple[int, ...]) -> int:
    try:
        value = int(raw.strip())
    except ValueError:
        raise BadInput(_("Choose one of the offered levels.")) from None
    if value not in values:
        raise BadInput(_("Choose one of the offered levels."))
    return value


def parse_ratings(
    form: Mapping[str, str], ids: tuple[str, ...], values: tuple[int, ...]
) -> tuple[dict[str, int], list[str]]:
    """Ratings `s-<statement_id>`, and the statements left unanswered (in form order)."""
    raw = _fields(form, "s-", ids)
    ratings = {key: _rating(value, values) for key, value in raw.items() if value.strip()}
    return ratings, [sid for sid in ids if sid not in ratings]


def _clean(value: str) -> str:
    """The text without NULs and control characters (tabs and line breaks stay)."""
    return "".join(c for c in value if c in "\n\t" or unicodedata.category(c) != "Cc").strip()


def parse_survey(
    form: Mapping[str, str],
    scale_ids: tuple[str, ...],
    text_ids: tuple[str, ...],
    values: tuple[int, ...],
) -> tuple[dict[str, int | str], list[str]]:
    """Answers `q-<question_id>` (scale items required, texts optional) and the missing ones."""
    raw = _fields(form, "q-", (*scale_ids, *text_ids))
    answers: dict[str, int | str] = {}
    for key, value in raw.items():
        if key in text_ids:
            text = _clean(value)
            if len(text) > MAX_TEXT:
                raise BadInput(_("An answer may be at most %(num)d characters.", num=MAX_TEXT))
            if text:
                answers[key] = text
        elif value.strip():
            answers[key] = _rating(value, values)
    return answers, [qid for qid in scale_ids if qid not in answers]
