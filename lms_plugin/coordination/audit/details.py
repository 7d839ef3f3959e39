"""An audit row's detail as data: a code and numbers (JSON in the detail column), read as a
sentence in the reader's language. Rows written before details were data hold free text (an
English note): they are shown as they are."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext

MATCH_RUN = "match_run"  # a matcher run: helpers considered, proposed, left unmatched
DRAFT_MENTOR = "draft_mentor"  # a reviewer gave a helper another mentor in a proposal (or none)
MENTOR = "mentor"  # a helper linked to, unlinked from or kept away from a mentor
FIELDS = "fields"  # which of a helper's fields a coordinator changed (names only, never values)
ERASED = "erased_on_request"  # a helper's record erased at their or their parent's request
YEAR_ENDED = "year_ended"  # a helper's record deleted when the programme year ended (retention)


def _encode(code: str, **values: int | None) -> str:
    return json.dumps({"code": code, **values}, separators=(",", ":"), sort_keys=True)


def match_run(run_id: int, considered: int, proposed: int, unmatched: int) -> str:
    """The stored detail of a matcher run (counts only: the helpers are minors)."""
    return _encode(
        MATCH_RUN, run=run_id, considered=considered, proposed=proposed, unmatched=unmatched
    )


def draft_mentor(mentor_id: int | None) -> str:
    """The stored detail of a review edit: the helper's proposed mentor now (None: no mentor)."""
    return _encode(DRAFT_MENTOR, mentor=mentor_id)


def mentor(mentor_id: int) -> str:
    """The stored detail of a link, unlink or ban: which mentor."""
    return _encode(MENTOR, mentor=mentor_id)


def fields(names: list[str]) -> str:
    """The stored detail of an edit: the names of the fields changed (their values are not kept:
    the helpers are minors)."""
    return json.dumps({"code": FIELDS, "fields": list(names)}, separators=(",", ":"))


def erased() -> str:
    return _encode(ERASED)


def year_ended() -> str:
    return _encode(YEAR_ENDED)


def _count(data: Mapping[str, Any], key: str) -> int:
    value = data[key]
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(key)
    return value


def _match_run(data: Mapping[str, Any]) -> str:
    considered = _count(data, "considered")
    return ngettext(
        "Matching run %(run)d: %(num)d waiting helper considered, %(proposed)d proposed, "
        "%(unmatched)d left without a mentor.",
        "Matching run %(run)d: %(num)d waiting helpers considered, %(proposed)d proposed, "
        "%(unmatched)d left without a mentor.",
        considered,
        run=_count(data, "run"),
        proposed=_count(data, "proposed"),
        unmatched=_count(data, "unmatched"),
    )


def _draft_mentor(data: Mapping[str, Any]) -> str:
    if data.get("mentor") is None:
        return _("Proposal changed: no mentor for this helper.")
    return _("Proposal changed: mentor #%(mentor)d.", mentor=_count(data, "mentor"))


def _mentor(data: Mapping[str, Any]) -> str:
    return _("Mentor #%(mentor)d.", mentor=_count(data, "mentor"))


def _field_labels() -> dict[str, str]:
    return {
        "display_name": _("name"),
        "school_year": _("school year"),
        "vocational_field": _("vocational field"),
        "language": _("language"),
        "start_date": _("start date"),
        "birth_year": _("year of birth"),
        "consent_by": _("who consented"),
    }


def _fields(data: Mapping[str, Any]) -> str:
    names = data["fields"]
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise TypeError("fields")
    labels = _field_labels()
    changed = ", ".join(str(labels.get(name, name)) for name in names)
    return _("Changed: %(fields)s.", fields=changed)


def _erased(_data: Mapping[str, Any]) -> str:
    return _("Erased at the request of the helper or a parent.")


def _year_ended(_data: Mapping[str, Any]) -> str:
    return _("Deleted: the programme year ended (retention period).")


READERS: dict[str, Callable[[Mapping[str, Any]], str]] = {
    MATCH_RUN: _match_run,
    DRAFT_MENTOR: _draft_mentor,
    MENTOR: _mentor,
    FIELDS: _fields,
    ERASED: _erased,
    YEAR_ENDED: _year_ended,
}


def readable(detail: str) -> str:
    """The detail as a person reads it: a sentence for stored data, older free text as it is."""
    if not detail.startswith("{"):
        return detail
    try:
        data = json.loads(detail)
    except ValueError:
        return detail
    code = data.get("code") if isinstance(data, dict) else None
    reader = READERS.get(code) if isinstance(code, str) else None
    if reader is None:
        return detail
    try:
        return reader(data)
    except (KeyError, TypeError):
        return detail
