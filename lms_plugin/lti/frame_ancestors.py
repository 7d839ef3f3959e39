"""Origins of the registered platforms, allowed to frame the tool (CSP frame-ancestors)."""

from __future__ import annotations

from flask import has_app_context
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from lms_plugin.db import db
from lms_plugin.extensions import cache
from lms_plugin.lti.http import origin_of as http_origin_of

CACHE_KEY = "lti:frame-ancestors"


def origin_of(url: str) -> str | None:
    """scheme://host[:port] of a URL, or None when it has no host (see lti.http.origin_of)."""
    return http_origin_of(url)


def frame_ancestors() -> list[str]:
    """The active platforms' origins (never a pending or deactivated one's); cached briefly,
    refreshed when a platform is registered, activated or deactivated."""
    if not has_app_context():
        return []
    cached = cache.get(CACHE_KEY)
    if cached is not None:
        return list(cached)
    from lms_plugin.lti.models import Platform

    try:
        rows = db.session.execute(
            select(Platform.issuer, Platform.auth_login_url).where(Platform.is_active)
        ).all()
    except SQLAlchemyError:
        db.session.rollback()
        return []
    origins = sorted({o for row in rows for o in (origin_of(row[0]), origin_of(row[1])) if o})
    cache.set(CACHE_KEY, origins, timeout=60)
    return origins


def forget() -> None:
    """Call after a platform is added, changed or removed."""
    cache.delete(CACHE_KEY)
