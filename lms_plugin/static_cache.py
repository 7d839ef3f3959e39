"""Static files with long cache lifetimes: every `url_for('static', ...)` carries the file's
version (a hash of its content), so a browser keeps the file for a year and a changed file gets a
new URL at once. Without a version (an old or hand-written URL) the file is revalidated."""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from typing import Any

from flask import Flask, Response, request
from werkzeug.security import safe_join

YEAR = 365 * 24 * 3600


@lru_cache(maxsize=512)
def _digest(path: str, mtime_ns: int, size: int) -> str:
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()[:12]


def version_of(folder: str | None, filename: str) -> str | None:
    """A short hash of the static file's content (re-read only when the file changes)."""
    path = safe_join(folder, filename) if folder else None
    if path is None:
        return None
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return _digest(path, stat.st_mtime_ns, stat.st_size)


def register(app: Flask) -> None:
    """Version static URLs and let browsers keep versioned files for a year."""

    @app.url_defaults
    def _add_version(endpoint: str, values: dict[str, Any]) -> None:
        if endpoint == "static" and "v" not in values and isinstance(values.get("filename"), str):
            version = version_of(app.static_folder, values["filename"])
            if version:
                values["v"] = version

    @app.after_request
    def _long_lifetime(response: Response) -> Response:
        if (
            request.endpoint == "static"
            and request.args.get("v")
            and response.status_code in (200, 304)
        ):
            response.cache_control.no_cache = None
            response.cache_control.public = True
            response.cache_control.max_age = YEAR
            response.cache_control.immutable = True
        return response
