"""Origins of the registered platforms, allowed to frame the tool (CSP frame-ancestors)."""

from __future__ import annotations

from flask import current_app, has_app_context, has_request_context, request
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from lms_plugin.db import db
from lms_plugin.extensions import cache
from lms_plugin.lti.http import origin_of as http_origin_of

CACHE_KEY = "lti:frame-ancestors"
ENVIRON_KEY = "lms_plugin.frame_ancestors"  # per request (the WSGI environ)


def origin_of(url: str) -> str | None:
    """scheme://host[:port] of a URL, or None when it has no host (see lti.http.origin_of)."""
    return http_origin_of(url)


def frame_ancestors() -> list[str]:
    """The active platforms' origins (never a pending or deactivated one's).

    Cached briefly only where the cache is shared by every process (Redis): a platform
    registered by the CLI (`lti add-platform`) must be able to frame the tool at once in every
    web worker, and a process-local cache cannot be told. Otherwise read once per request (one
    small query on a table of a few rows).
    """
    if not has_app_context():
        return []
    shared = _shared_cache()
    if shared:
        cached = cache.get(CACHE_KEY)
        if cached is not None:
            return list(cached)
    elif has_request_context() and ENVIRON_KEY in request.environ:
        return list(request.environ[ENVIRON_KEY])
    from lms_plugin.lti.models import Platform

    try:
        rows = db.session.execute(
            select(Platform.issuer, Platform.auth_login_url).where(Platform.is_active)
        ).all()
    except SQLAlchemyError:
        db.session.rollback()
        return []
    origins = sorted({o for row in rows for o in (origin_of(row[0]), origin_of(row[1])) if o})
    if shared:
        cache.set(CACHE_KEY, origins, timeout=60)
    elif has_request_context():
        request.environ[ENVIRON_KEY] = origins
    return origins


def _shared_cache() -> bool:
    return str(current_app.config.get("CACHE_TYPE", "")) not in ("SimpleCache", "NullCache", "")


def forget() -> None:
    """Call after a platform is added, changed or removed."""
    cache.delete(CACHE_KEY)
