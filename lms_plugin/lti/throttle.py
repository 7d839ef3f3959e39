"""Rate limits that refuse attacks, not classrooms.

Good LTI traffic is never counted: a training room behind one school NAT address logs in and
launches as often as it likes. What is counted are failures (a refused login, a refused launch)
per client address and per issuer. An address over LTI_FAILURE_LIMIT, or an issuer over
LTI_ISSUER_FAILURE_LIMIT, gets 429 before any database lookup or signature check, except for a
launch that carries a state our own login issued (someone in that room finishing a login).
The counters live in the rate limiter's storage (Redis when configured), so every instance shares
them; with RATELIMIT_ENABLED off nothing is counted or refused.
"""

from __future__ import annotations

import hashlib

from flask import Response, current_app, request
from flask_babel import gettext as _
from limits import RateLimitItem, parse

from lms_plugin.errors import error_response
from lms_plugin.extensions import cache, limiter

NAMESPACE = "lti-failures"
STATE_TTL_SECONDS = 600
RETRY_AFTER_SECONDS = 60


def _enabled() -> bool:
    return bool(limiter.enabled) and bool(current_app.config.get("RATELIMIT_ENABLED", True))


def _limit(name: str, default: str) -> RateLimitItem:
    return parse(str(current_app.config.get(name) or default))


def client_address() -> str:
    """The client's address (X-Forwarded-For only counts behind TRUSTED_PROXIES)."""
    return request.remote_addr or "unknown"


def _issuer_key(issuer: str) -> str:
    return hashlib.sha256(issuer.encode("utf-8", "replace")).hexdigest()


def is_blocked(issuer: str | None = None) -> bool:
    """Has this address (or this issuer) failed too often lately?"""
    if not _enabled():
        return False
    storage = limiter.limiter
    per_address = _limit("LTI_FAILURE_LIMIT", "30 per minute")
    if not storage.test(per_address, NAMESPACE, "addr", client_address()):
        return True
    if issuer:
        per_issuer = _limit("LTI_ISSUER_FAILURE_LIMIT", "300 per minute")
        return not storage.test(per_issuer, NAMESPACE, "iss", _issuer_key(issuer))
    return False


def record_failure(issuer: str | None = None) -> None:
    """Count one refused login or launch against the address and the issuer it named."""
    if not _enabled():
        return
    storage = limiter.limiter
    storage.hit(_limit("LTI_FAILURE_LIMIT", "30 per minute"), NAMESPACE, "addr", client_address())
    if issuer:
        per_issuer = _limit("LTI_ISSUER_FAILURE_LIMIT", "300 per minute")
        storage.hit(per_issuer, NAMESPACE, "iss", _issuer_key(issuer))


def _state_key(state: str) -> str:
    return "lti:issued-state:" + hashlib.sha256(state.encode("utf-8", "replace")).hexdigest()


def remember_state(state: str) -> None:
    """Our login issued this state: its launch passes even when the address is blocked."""
    if state:
        cache.set(_state_key(state), 1, timeout=STATE_TTL_SECONDS)


def state_was_issued(state: str) -> bool:
    return bool(state) and len(state) <= 512 and bool(cache.get(_state_key(state)))


def too_many() -> Response:
    """The friendly 429 page, with Retry-After."""
    response = error_response(
        429,
        _("Too many requests"),
        _("Please wait a minute before trying again."),
        code="too_many_requests",
    )
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
