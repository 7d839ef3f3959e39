"""Spotting a helper recorded twice: same school, same school year, same first name and initial.

Display names are a first name with at most one initial ("Anna K.", "K. Anna") or a code, so the
comparison key is (first name, initial) without accents and case, or the whole code.
"""

from __future__ import annotations

import re

from sqlalchemy import select

from lms_plugin.coordination.models import PeerHelper
from lms_plugin.db import db
from lms_plugin.listing import fold

_TOKEN = re.compile(r"[^\W\d_]+\.?")
# A school year at one school has at most a few hundred helpers: compared in Python.
_LIMIT = 2000


def name_key(display_name: str) -> tuple[str, str]:
    """("anna", "k") for "Anna K." and "K. Anna"; a code is its own key."""
    if any(c.isdigit() for c in display_name):
        return fold(display_name.strip()), ""
    tokens = _TOKEN.findall(display_name)
    names = [t for t in tokens if not t.endswith(".") and len(t) > 1]
    if len(names) != 1 or len(tokens) > 2:
        return fold(display_name.strip()), ""
    initials = [t.rstrip(".")[:1] for t in tokens if t is not names[0]]
    return fold(names[0]), fold(initials[0]) if initials else ""


def possible_duplicates(
    school_id: int, school_year: int, display_name: str, *, exclude_id: int | None = None
) -> list[PeerHelper]:
    """Helpers of the same school and school year whose first name and initial match."""
    wanted = name_key(display_name)
    query = select(PeerHelper).where(
        PeerHelper.school_id == school_id, PeerHelper.school_year == school_year
    )
    if exclude_id is not None:
        query = query.where(PeerHelper.id != exclude_id)
    return [
        helper
        for helper in db.session.scalars(query.order_by(PeerHelper.id).limit(_LIMIT))
        if name_key(helper.display_name) == wanted
    ]
