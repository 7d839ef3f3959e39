"""One input layer: malformed input is a clear 400 before any view or database sees it.

What it refuses, and why each would otherwise be a 500:
- NUL characters in the path, query string, form fields, file names or JSON strings (PostgreSQL
  refuses NUL in text; SQLite stores a string that every other tool cuts short);
- lone surrogates (`"\\ud800"` in JSON) that cannot be encoded as UTF-8 for the database;
- integers in URLs that are not ASCII digits or do not fit a 32-bit id column (`<int:…>` routes
  answer 404 for them, as for any id that does not exist);
- JSON bodies that are not objects (every JSON endpoint of the tool reads an object).
Views that read numbers from a query string or a form use `parse_int`, which accepts only ASCII
digits within the column's range ("²".isdigit() is True, int("²") is a ValueError).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from flask import Flask, abort, request
from flask_babel import gettext as _
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # an INTEGER column (ids, counts) on PostgreSQL and SQLite alike
MAX_DIGITS = len(str(MAX_ID))
_JSON_BUDGET = 100_000  # strings and keys walked in one JSON body; beyond that it is refused


def parse_int(
    raw: object, *, minimum: int = 0, maximum: int = MAX_ID, default: int | None = None
) -> int | None:
    """`raw` as an int if it is ASCII digits (an optional leading "-") within the range."""
    if isinstance(raw, bool):
        return default
    if isinstance(raw, int):
        return raw if minimum <= raw <= maximum else default
    if not isinstance(raw, str):
        return default
    text = raw.strip()
    digits = text[1:] if text.startswith("-") else text
    if not digits or not digits.isascii() or not digits.isdigit() or len(digits) > MAX_DIGITS:
        return default
    value = int(text)
    return value if minimum <= value <= maximum else default


def int_or(raw: object, fallback: int) -> int:
    """`parse_int(raw)`, or `fallback` (e.g. -1 for a form version that cannot match)."""
    value = parse_int(raw)
    return fallback if value is None else value


def positive_int(raw: object) -> int | None:
    """A positive id from a query string or form (`?school=12`), else None."""
    return parse_int(raw, minimum=1)


class BoundedIntConverter(IntegerConverter):
    """`<int:…>` that matches only ASCII digits and values an id column can hold."""

    regex = rf"[0-9]{{1,{MAX_DIGITS}}}"

    def __init__(self, url_map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def is_clean(text: str) -> bool:
    """No NUL and no lone surrogate (both cannot be stored as text)."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _clean_pairs(pairs: Iterable[tuple[str, Any]]) -> bool:
    for key, value in pairs:
        if not is_clean(key):
            return False
        if isinstance(value, str) and not is_clean(value):
            return False
        filename = getattr(value, "filename", None)
        if isinstance(filename, str) and not is_clean(filename):
            return False
    return True


def clean_json(value: Any) -> bool:
    """Every string and key in a parsed JSON value is clean (walked without recursion)."""
    stack = [value]
    budget = _JSON_BUDGET
    while stack:
        item = stack.pop()
        budget -= 1
        if budget < 0:
            return False
        if isinstance(item, str):
            if not is_clean(item):
                return False
        elif isinstance(item, Mapping):
            for key, inner in item.items():
                if isinstance(key, str) and not is_clean(key):
                    return False
                stack.append(inner)
        elif isinstance(item, list):
            stack.extend(item)
    return True


def _refuse() -> None:
    abort(
        400,
        description=_(
            "The request contains characters that cannot be stored "
            "(a NUL character or broken Unicode). Remove them and try again."
        ),
    )


def check_request() -> None:
    """before_request: refuse NUL and lone surrogates in every part of the request."""
    if not is_clean(request.path) or not _clean_pairs(request.args.items(multi=True)):
        _refuse()
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data") and (
            not _clean_pairs(request.form.items(multi=True))
            or not _clean_pairs(request.files.items(multi=True))
        ):
            _refuse()
        if request.is_json and request.content_length != 0:
            data = request.get_json(silent=True)
            if data is not None and not isinstance(data, dict):
                # Every JSON body this tool accepts is an object ({"text": …}); a list or a
                # number would reach `.get()` in a view.
                abort(400, description=_("Send a JSON object."))
            if data is not None and not clean_json(data):
                _refuse()


def register_input_guard(app: Flask) -> None:
    """Install the bounded `int` converter and the request check.

    Call before blueprints are registered: a rule takes its converter when it is added.
    """
    app.url_map.converters["int"] = BoundedIntConverter
    app.before_request(check_request)
