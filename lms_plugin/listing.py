"""Server-side lists: a page with its total, accent-insensitive search and Hungarian sorting.

One helper for every long list (schools, mentors, helpers, placements, certificates, the audit
log). It works on SQLite and PostgreSQL alike:

- search folds accents on both sides ("gabor" finds "Gábor", "gyor" finds "Győr"): PostgreSQL's
  `translate(lower(…))`, on SQLite a `lms_fold` function registered on the connection (SQLite's
  `lower()` only knows ASCII, and `unaccent` is an extension);
- sorting follows the Hungarian alphabet (á with a, cs after c, ö after o, gy after g, zs after
  z): PostgreSQL's ICU collation `hu-HU-x-icu` when the server has it; on SQLite a sort key from
  `hungarian_key` (`lms_hu_key`, one call per row, then SQLite's own binary sort).
"""

from __future__ import annotations

import functools
import sqlite3
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Select, and_, func, or_, select, text, true

from lms_plugin.db import db

T = TypeVar("T")

PER_PAGE = 50
MAX_PER_PAGE = 200
MAX_QUERY = 100
PG_COLLATION = "hu-HU-x-icu"
SQLITE_SORT_KEY = "lms_hu_key"

# Letters PostgreSQL's translate() folds (both cases, whatever the database's locale).
_ACCENTED = "ÁÉÍÓÖŐÚÜŰáéíóöőúüűÄäÔôČčŠšŽž"
_PLAIN = "aeiooouuuaeiooouuuaaoocc" + "sszz"
SQLITE_FOLD = "lms_fold"


def fold(value: str) -> str:
    """Lower case without accents: "Győr" → "gyor"."""
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _sqlite() -> sqlite3.Connection | None:
    """The session's own SQLite connection (functions registered on it serve its queries)."""
    if db.session.get_bind().dialect.name != "sqlite":
        return None
    raw = db.session.connection().connection.dbapi_connection
    return raw if isinstance(raw, sqlite3.Connection) else None


def folded(column: Any) -> ColumnElement[str]:
    """The SQL twin of `fold`: PostgreSQL translate(); on SQLite `fold` registered as a function
    (SQLite's lower() only knows ASCII, and nesting replace() overflows its parser)."""
    raw = _sqlite()
    if raw is not None:
        raw.create_function(SQLITE_FOLD, 1, _sql_fold, deterministic=True)
        return getattr(func, SQLITE_FOLD)(column)
    return func.translate(func.lower(column), _ACCENTED, _PLAIN)


@functools.lru_cache(maxsize=131072)
def _fold_cached(value: str) -> str:
    return fold(value)


def _sql_fold(value: object) -> str | None:
    return None if value is None else _fold_cached(str(value))


def _like_escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def word_patterns(term: str) -> list[str]:
    """The LIKE patterns of the (at most five) words of `term`, folded: "Győr Ági" →
    ["%gyor%", "%agi%"]."""
    return [f"%{_like_escape(w)}%" for w in fold(term).split() if w][:5]


def contains(column: Any, pattern: str) -> ColumnElement[bool]:
    """`column`, folded, is LIKE one of `word_patterns`."""
    return folded(column).like(pattern, escape="\\")


def matches(term: str, *columns: Any) -> ColumnElement[bool]:
    """Every word of `term` is in one of `columns`, ignoring case and accents."""
    clauses = [or_(*(contains(c, p) for c in columns)) for p in word_patterns(term)]
    return and_(true(), *clauses)


# The Hungarian alphabet; accented vowels share the place of their base letter at the first level.
_ALPHABET = [
    "a",
    "b",
    "c",
    "cs",
    "d",
    "dz",
    "dzs",
    "e",
    "f",
    "g",
    "gy",
    "h",
    "i",
    "j",
    "k",
    "l",
    "ly",
    "m",
    "n",
    "ny",
    "o",
    "ö",
    "p",
    "q",
    "r",
    "s",
    "sz",
    "t",
    "ty",
    "u",
    "ü",
    "v",
    "w",
    "x",
    "y",
    "z",
    "zs",
]
_RANK = {letter: i for i, letter in enumerate(_ALPHABET)}
_BASE = {"á": "a", "é": "e", "í": "i", "ó": "o", "ő": "ö", "ú": "u", "ű": "ü"}
_MULTI = sorted((x for x in _ALPHABET if len(x) > 1), key=len, reverse=True)


@functools.lru_cache(maxsize=65536)
def hungarian_key(value: str | None) -> tuple[tuple[int, ...], tuple[int, ...], str]:
    """A sort key in the Hungarian alphabetical order (letters, then accents, then the text)."""
    text_ = unicodedata.normalize("NFC", value or "").lower()
    primary: list[int] = []
    secondary: list[int] = []
    i = 0
    while i < len(text_):
        char = text_[i]
        base = _BASE.get(char)
        if base is not None:
            primary.append(100 + _RANK[base])
            secondary.append(1)
            i += 1
            continue
        for multi in _MULTI:
            if text_.startswith(multi, i):
                primary.append(100 + _RANK[multi])
                secondary.append(0)
                i += len(multi)
                break
        else:
            if char in _RANK:
                primary.append(100 + _RANK[char])
            elif char.isspace():
                primary.append(1)
            elif char.isdigit():
                primary.append(10 + int(char) if char in "0123456789" else 20)
            else:
                plain = fold(char)
                primary.append(100 + _RANK[plain] if plain in _RANK else 1000 + ord(char))
            secondary.append(0)
            i += 1
    return tuple(primary), tuple(secondary), value or ""


def _code_point(value: int) -> str:
    """A character for a sort weight, kept out of the surrogate range (UTF-8 keeps the order)."""
    return chr(value) if value < 0xD800 else chr(min(value + 0x800, 0x10FFFF))


@functools.lru_cache(maxsize=131072)
def hungarian_sort_text(value: str | None) -> str:
    """`hungarian_key` as one string whose plain (binary) order is the Hungarian order, so SQLite
    sorts natively after one function call per row instead of a Python comparison per pair."""
    primary, secondary, original = hungarian_key(value)
    return (
        "".join(_code_point(0x20 + p) for p in primary)
        + "\x01"
        + "".join(chr(0x30 + s) for s in secondary)
        + "\x01"
        + original
    )


@functools.lru_cache(maxsize=8)
def _pg_has_icu(url: str) -> bool:
    found = db.session.execute(
        text("SELECT 1 FROM pg_collation WHERE collname = :name"), {"name": PG_COLLATION}
    ).first()
    return found is not None


def hungarian(column: Any) -> ColumnElement[Any]:
    """`column` with the Hungarian collation for ORDER BY (the database in use decides how)."""
    bind = db.session.get_bind()
    dialect = bind.dialect.name
    if dialect == "postgresql":
        if _pg_has_icu(str(bind.engine.url)):
            return column.collate(PG_COLLATION)  # quoted by SQLAlchemy
        return column
    raw = _sqlite()
    if raw is not None:
        # Per connection and cheap: the query runs on this very connection.
        raw.create_function(SQLITE_SORT_KEY, 1, hungarian_sort_text, deterministic=True)
        return getattr(func, SQLITE_SORT_KEY)(column)
    return column


@dataclass(frozen=True)
class Sort:
    """A sortable column: `text` columns sort by the Hungarian collation."""

    column: Any
    text: bool = False


@dataclass(frozen=True)
class ListArgs:
    """What a list page was asked for: page, size, search words, sort key and direction."""

    page: int = 1
    per_page: int = PER_PAGE
    q: str = ""
    sort: str = ""
    descending: bool = False
    filters: Mapping[str, str] = field(default_factory=dict)

    @property
    def sort_param(self) -> str:
        return ("-" if self.descending else "") + self.sort

    def toggled(self, key: str) -> str:
        """The `sort` value of a column header's link: ascending first, then descending."""
        return "-" + key if key == self.sort and not self.descending else key


def _positive(raw: str | None) -> int | None:
    if raw and raw.isascii() and raw.isdigit() and len(raw) < 10:
        return int(raw)
    return None


def parse_args(
    args: Mapping[str, str],
    sortable: Sequence[str],
    default_sort: str,
    *,
    per_page: int = PER_PAGE,
    filters: Sequence[str] = (),
) -> ListArgs:
    """Read ?page, ?per_page, ?q, ?sort (a "-" in front: descending) and the named filters.

    Anything unknown or malformed falls back to the default; never an error.
    """
    raw_sort = (args.get("sort") or default_sort).strip()
    descending = raw_sort.startswith("-")
    key = raw_sort.lstrip("-")
    if key not in sortable:
        descending = default_sort.startswith("-")
        key = default_sort.lstrip("-")
    size = min(_positive(args.get("per_page")) or per_page, MAX_PER_PAGE)
    return ListArgs(
        page=_positive(args.get("page")) or 1,
        per_page=size,
        q=(args.get("q") or "").strip()[:MAX_QUERY],
        sort=key,
        descending=descending,
        filters={name: (args.get(name) or "").strip()[:MAX_QUERY] for name in filters},
    )


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list and how many rows the whole list has."""

    items: list[T]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def first(self) -> int:
        return 0 if not self.total else (self.page - 1) * self.per_page + 1

    @property
    def last(self) -> int:
        return min(self.total, self.page * self.per_page)


def order_clauses(sortable: Mapping[str, Sort], args: ListArgs, *tiebreak: Any) -> list[Any]:
    """ORDER BY for the chosen column (Hungarian for text), then stable tie-breakers."""
    chosen = sortable[args.sort]
    column = hungarian(chosen.column) if chosen.text else chosen.column
    clauses = [column.desc() if args.descending else column.asc()]
    return clauses + list(tiebreak)


def count(query: Select) -> int:
    """How many rows a query returns (ordering dropped)."""
    inner = query.order_by(None).subquery()
    return int(db.session.scalar(select(func.count()).select_from(inner)) or 0)


def paginate(
    query: Select,
    args: ListArgs,
    *,
    scalars: bool = False,
    counted: Select | None = None,
) -> Page[Any]:
    """Run one page of an ordered query plus its count (of `counted`, the same rows without the
    eager-loading options, when given); a page past the end shows the last one."""
    total = count(counted if counted is not None else query)
    pages = max(1, -(-total // args.per_page))
    page_no = min(args.page, pages)
    limited = query.offset((page_no - 1) * args.per_page).limit(args.per_page)
    items: list[Any] = (
        list(db.session.scalars(limited)) if scalars else list(db.session.execute(limited).all())
    )
    return Page(items, total, page_no, args.per_page)


def paginate_sorted(
    query: Select,
    sortable: Mapping[str, Sort],
    args: ListArgs,
    *tiebreak: Any,
    counted: Select | None = None,
) -> Page[Any]:
    """One page of `query` (rows as tuples) in the chosen order, with the total.

    The first page of a search reads its rows and the total in one statement (`count(*) OVER
    ()`: the costly accent-folding scan once instead of twice; without a search a narrow count
    plus a top-N sort is cheaper). Other pages count first (`counted`, the same rows with fewer
    columns, when given); a page in the second half is read backwards from the end (the
    reversed order, then the rows turned round), so the last page costs what the first does
    instead of sorting and skipping every row before it. `tiebreak` columns (ascending) make
    the order total.
    """
    forward = order_clauses(sortable, args, *tiebreak)
    if args.page <= 1 and args.q:
        found = db.session.execute(
            query.add_columns(func.count().over()).order_by(*forward).limit(args.per_page)
        ).all()
        total = int(found[0][-1]) if found else 0
        return Page([tuple(r)[:-1] for r in found], total, 1, args.per_page)
    total = count(counted if counted is not None else query)
    pages = max(1, -(-total // args.per_page))
    page_no = min(args.page, pages)
    offset = (page_no - 1) * args.per_page
    size = max(0, min(args.per_page, total - offset))
    after = total - offset - size  # rows after this page
    if after < offset:
        flipped = replace(args, descending=not args.descending)
        backward = order_clauses(sortable, flipped, *(c.desc() for c in tiebreak))
        rows = [
            tuple(r)
            for r in db.session.execute(query.order_by(*backward).offset(after).limit(size))
        ]
        rows.reverse()
    else:
        rows = [
            tuple(r)
            for r in db.session.execute(query.order_by(*forward).offset(offset).limit(size))
        ]
    return Page(rows, total, page_no, args.per_page)


def email_domain(email: str | None) -> str:
    """What tells two people with the same name apart without showing their address."""
    if not email or "@" not in email:
        return ""
    return "@" + email.rsplit("@", 1)[1].lower()


__all__ = [
    "ListArgs",
    "Page",
    "Sort",
    "contains",
    "count",
    "email_domain",
    "fold",
    "folded",
    "hungarian",
    "hungarian_key",
    "matches",
    "order_clauses",
    "paginate",
    "paginate_sorted",
    "parse_args",
    "word_patterns",
]
