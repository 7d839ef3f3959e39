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


READERS: dict[str, Callable[[Mapping[str, Any]], str]] = {
    MATCH_RUN: _match_run,
    DRAFT_MENTOR: _draft_mentor,
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
