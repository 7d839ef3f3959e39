"""What an administrator grants a coordinator: programmes and training centres found by typed text.

The grant picker's suggestions and its form without JavaScript share these rules: every word of
the text is in the centre's name, code, town or programme (accents and case ignored: "gyor" finds
"Győri SZC"), in Hungarian alphabetical order, within the programmes the administrator may grant.
A typed text is resolved to one target when it names one exactly (a code, a name, the picker's own
label) or when only one target matches; otherwise the candidates are offered to choose from.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, or_, select
from sqlalchemy.orm import contains_eager

from lms_plugin.coordination.models import Programme, TrainingCentre
from lms_plugin.db import db
from lms_plugin.listing import MAX_QUERY, fold, folded, hungarian, matches, word_patterns

MAX_SUGGESTIONS = 20  # what the picker lists at once: type more to narrow it
MAX_CANDIDATES = 10  # what the form without JavaScript offers to choose from
# Punctuation of the picker's own labels ("Győri SZC (Győr, GYSZC)"): not part of any word.
_PUNCTUATION = re.compile(r"[()\[\]{},;·]")


@dataclass(frozen=True)
class GrantTarget:
    """A programme ("p:<id>") or one training centre of it ("c:<id>"), as the picker shows it."""

    value: str
    label: str
    programme: str
    name: str = ""
    code: str = ""

    def as_json(self) -> dict[str, str]:
        return {"value": self.value, "label": self.label, "programme": self.programme}


@dataclass(frozen=True)
class Resolution:
    """The answer to a typed text: the one target it names, or the candidates (`more`: there
    are more than those shown)."""

    target: GrantTarget | None = None
    candidates: list[GrantTarget] = field(default_factory=list)
    more: bool = False


def whole_programme_label(programme: Programme) -> str:
    """How a whole programme is named in the picker."""
    return f"{programme.name} ({_('whole programme')})"


def centre_label(centre: TrainingCentre) -> str:
    """How a centre is named in the picker: its name, town and code (names repeat)."""
    details = ", ".join(x for x in (centre.municipality, centre.code) if x)
    return f"{centre.name} ({details})" if details else centre.name


def _of_programme(programme: Programme) -> GrantTarget:
    return GrantTarget(
        f"p:{programme.id}", whole_programme_label(programme), programme.name, programme.name
    )


def _of_centre(centre: TrainingCentre) -> GrantTarget:
    return GrantTarget(
        f"c:{centre.id}", centre_label(centre), centre.programme.name, centre.name, centre.code
    )


def clean(term: str) -> str:
    """The searchable words of a typed text: at most MAX_QUERY characters, the labels'
    punctuation dropped."""
    return " ".join(_PUNCTUATION.sub(" ", term[:MAX_QUERY]).split())


def _programmes(programme_ids: Collection[int]) -> Select[Any]:
    return select(Programme).where(Programme.id.in_(list(programme_ids)))


def _centres(programme_ids: Collection[int]) -> Select[Any]:
    return (
        select(TrainingCentre)
        .join(TrainingCentre.programme)
        .where(TrainingCentre.programme_id.in_(list(programme_ids)))
        .options(contains_eager(TrainingCentre.programme))
    )


def find(term: str, programme_ids: Collection[int], limit: int = MAX_SUGGESTIONS) -> Resolution:
    """Up to `limit` targets matching every word of `term`: the whole programmes first, then the
    centres, each in Hungarian order (`more`: some were left out)."""
    words = clean(term)
    if not word_patterns(words) or not programme_ids:
        return Resolution()
    programmes = list(
        db.session.scalars(
            _programmes(programme_ids)
            .where(matches(words, Programme.name))
            .order_by(hungarian(Programme.name), Programme.id.desc())
            .limit(limit + 1)
        )
    )
    room = max(0, limit + 1 - len(programmes))
    centres = list(
        db.session.scalars(
            _centres(programme_ids)
            .where(
                matches(
                    words,
                    TrainingCentre.name,
                    TrainingCentre.code,
                    TrainingCentre.municipality,
                    Programme.name,
                )
            )
            .order_by(hungarian(TrainingCentre.name), Programme.id.desc(), TrainingCentre.id)
            .limit(room)
        )
        if room
        else []
    )
    found = [_of_programme(p) for p in programmes] + [_of_centre(c) for c in centres]
    return Resolution(None, found[:limit], len(found) > limit)


def _exact(text: str, programme_ids: Collection[int]) -> list[GrantTarget]:
    """Targets whose code, name or picker label is the whole text (accents and case ignored)."""
    key = fold(" ".join(text.split()))
    suffix = fold(f"({_('whole programme')})")
    stem = key.removesuffix(suffix).strip()
    programmes = db.session.scalars(
        _programmes(programme_ids)
        .where(folded(Programme.name) == stem)
        .order_by(Programme.id.desc())
        .limit(MAX_CANDIDATES + 1)
    )
    found = [_of_programme(p) for p in programmes]
    if stem == key:  # "… (whole programme)" names a programme, never a centre
        centres = db.session.scalars(
            _centres(programme_ids)
            .where(or_(folded(TrainingCentre.code) == key, folded(TrainingCentre.name) == key))
            .order_by(Programme.id.desc(), TrainingCentre.id)
            .limit(MAX_CANDIDATES + 1)
        )
        found += [_of_centre(c) for c in centres]
    return found


def resolve(text: str, programme_ids: Collection[int]) -> Resolution:
    """The target a typed text names (the form without JavaScript): one exact match, else the
    only match; several: the candidates; none: an empty resolution."""
    text = " ".join(text[:MAX_QUERY].split())
    if not text or not programme_ids:
        return Resolution()
    exact = _exact(text, programme_ids)
    if len(exact) == 1:
        return Resolution(exact[0])
    if exact:
        return Resolution(None, exact[:MAX_CANDIDATES], len(exact) > MAX_CANDIDATES)
    found = find(text, programme_ids, MAX_CANDIDATES)
    key = fold(text)
    labelled = [t for t in found.candidates if fold(t.label) == key]
    if len(labelled) == 1:
        return Resolution(labelled[0])
    if len(found.candidates) == 1 and not found.more:
        return Resolution(found.candidates[0])
    return found


__all__ = [
    "MAX_CANDIDATES",
    "MAX_SUGGESTIONS",
    "GrantTarget",
    "Resolution",
    "centre_label",
    "clean",
    "find",
    "resolve",
    "whole_programme_label",
]
