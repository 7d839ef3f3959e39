"""Small counts that could identify a student are never shown: one rule, used everywhere
(the service year, its referrals, the coordination centre report)."""

from __future__ import annotations

from flask_babel import gettext as _

SMALL_COUNT = 5  # counts from 1 to 4 are shown as "< 5"


def suppressed(count: int | None) -> int | None:
    """The count when it is safe to show (0 or at least SMALL_COUNT), else None."""
    if count is None:
        return None
    return count if count == 0 or count >= SMALL_COUNT else None


def show(count: int | None) -> str:
    """The count as printed on a page or in a report: "< 5" for a suppressed one, "–" for none."""
    if count is None:
        return "–"
    safe = suppressed(count)
    return _("< %(n)d", n=SMALL_COUNT) if safe is None else str(safe)
