"""Does a note look like it names a student? A warning the mentor confirms, not a proof."""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import select

from lms_plugin.coordination.models import PeerHelper
from lms_plugin.db import db

_UPPER = "A-ZÁÉÍÓÖŐÚÜŰ"
_LOWER = "a-záéíóöőúüű"
# Two capitalised words in a row ("Kiss Péter", "Anna Nagy"): how Hungarian and English names look.
TWO_WORD_NAME = re.compile(rf"\b[{_UPPER}][{_LOWER}]+\s+[{_UPPER}][{_LOWER}]+\b")
_WORD = re.compile(rf"[{_UPPER}{_LOWER}]+", re.IGNORECASE)


def first_names(display_names: Iterable[str]) -> set[str]:
    """The name words of helper display names ("Anna K." → "anna"; codes and initials skipped)."""
    names: set[str] = set()
    for display in display_names:
        for word in _WORD.findall(display):
            if len(word) >= 3 and not word.isupper():
                names.add(word.casefold())
    return names


def school_first_names(school_ids: Iterable[int]) -> set[str]:
    """The first names on the helper lists of these schools."""
    ids = list(school_ids)
    if not ids:
        return set()
    return first_names(
        db.session.scalars(select(PeerHelper.display_name).where(PeerHelper.school_id.in_(ids)))
    )


def name_hits(text: str, known: set[str]) -> list[str]:
    """What in `text` looks like a person's name: helper-list first names, two-word names."""
    hits: list[str] = []
    for word in _WORD.findall(text):
        if word.casefold() in known and word not in hits:
            hits.append(word)
    for match in TWO_WORD_NAME.findall(text):
        if match not in hits:
            hits.append(match)
    return hits
