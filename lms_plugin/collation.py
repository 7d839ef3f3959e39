"""Hungarian alphabetical order, for Python-side sorting and for ORDER BY.

In Python, `sort_key` uses ICU's Hungarian collator when PyICU is installed (the `icu` extra,
built against Debian's libicu-dev) and otherwise the pure-Python `lms_plugin.listing.hungarian_key`
(the Hungarian alphabet: á after a, cs after c, ö after o, gy after g, zs after z; both give the
same order for names). In SQL, `order_by_hungarian` is `lms_plugin.listing.hungarian`:
PostgreSQL's `hu-HU-x-icu` collation, or a `hu` collation registered on the SQLite connection.

One home for "sort like a Hungarian reader expects": the list helper (`listing`) already had the
key and the SQL collation, so this module reuses them rather than keeping a second alphabet.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from lms_plugin.listing import fold, hungarian, hungarian_key

T = TypeVar("T")

try:  # PyICU is optional: without it the pure-Python key gives the same order for names.
    import icu as _icu
except ImportError:  # pragma: no cover - depends on the installation
    _icu = None


@functools.lru_cache(maxsize=1)
def _collator() -> Any:
    if _icu is None:
        return None
    return _icu.Collator.createInstance(_icu.Locale("hu_HU"))


def has_icu() -> bool:
    """Whether ICU (PyICU) does the Python-side sorting here."""
    return _collator() is not None


@functools.lru_cache(maxsize=65536)
def sort_key(value: str | None) -> Any:
    """A key that sorts text in the Hungarian alphabetical order ("Ágnes" before "Balogh",
    "Gál" before "Győri", "Zoltán" before "Zsolt")."""
    collator = _collator()
    if collator is None:
        return hungarian_key(value)
    return (collator.getSortKey(value or ""), value or "")


def sorted_hu(items: Iterable[T], key: Callable[[T], str | None] = str) -> list[T]:
    """`items` in Hungarian alphabetical order of `key(item)`."""
    return sorted(items, key=lambda item: sort_key(key(item)))


def order_by_hungarian(column: Any) -> Any:
    """`column` with the database's Hungarian collation, for ORDER BY."""
    return hungarian(column)


__all__ = ["fold", "has_icu", "order_by_hungarian", "sort_key", "sorted_hu"]
