"""OAuth2 access tokens for LTI Advantage services, and authenticated calls to those services.

The token request is a client_credentials grant with a JWT client assertion signed by the tool's
active key. Its audience and the token URL come only from the platform's stored registration and
must be on the issuer's own site; service URLs (which arrive in launches) are only called on the
platform's own origins. Errors name the status, never the body of an answer.

Tokens are cached per (issuer, client_id, sorted scopes): pylti1p3's own cache is keyed without
client_id, so two registrations on one Moodle would share a token there.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
import uuid
from collections.abc import Iterable
from typing import Any

import jwt
import requests
from flask import current_app

from lms_plugin.extensions import cache
from lms_plugin.lti import keys
from lms_plugin.lti.http import OutboundRefused, describe, outbound_request
from lms_plugin.lti.models import Platform
from lms_plugin.lti.platforms import on_issuer_site, platform_origins, token_audience

log = logging.getLogger("lms_plugin.lti.services")

SCOPE_LINEITEM = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"
SCOPE_LINEITEM_READONLY = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly"
SCOPE_RESULT_READONLY = "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly"
SCOPE_SCORE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
SCOPE_NRPS = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
EXPIRY_MARGIN_SECONDS = 60


class ServiceError(Exception):
    """A platform service call failed; `reason` is stored and shown, `retryable` drives backoff."""

    def __init__(self, reason: str, *, status: int | None = None, retryable: bool = True) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status
        self.retryable = retryable


def timeout() -> tuple[float, float]:
    """(connect, read) seconds for every call to a platform."""
    return (
        float(current_app.config.get("LTI_HTTP_CONNECT_TIMEOUT", 3.05)),
        float(current_app.config.get("LTI_HTTP_READ_TIMEOUT", 10)),
    )


def cache_key(platform: Platform, scopes: Iterable[str]) -> str:
    """The cache key for one registration and one scope set (order of scopes does not matter)."""
    raw = json.dumps([platform.issuer, platform.client_id, sorted(set(scopes))])
    return "lti-token:" + hashlib.sha256(raw.encode()).hexdigest()


def client_assertion(platform: Platform) -> str:
    """The signed JWT that authenticates the tool at the platform's token endpoint."""
    key = keys.active_key()
    now = int(time.time())
    claims = {
        "iss": platform.client_id,
        "sub": platform.client_id,
        "aud": token_audience(platform),
        "iat": now,
        "exp": now + 300,
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode(claims, key.private_pem, algorithm="RS256", headers={"kid": key.kid})


def parse_json(response: requests.Response, what: str) -> Any:
    """The JSON body whatever the Content-Type says (Moodle's token.php sends text/html)."""
    try:
        return json.loads(response.content)
    except ValueError as exc:
        raise ServiceError(
            f"{what} answered {describe(response)} with a body that is not JSON",
            status=response.status_code,
        ) from exc


# OAuth 2.0 error codes (RFC 6749 5.2): the only part of a token endpoint's answer we repeat.
OAUTH_ERRORS = frozenset(
    {
        "invalid_request",
        "invalid_client",
        "invalid_grant",
        "unauthorized_client",
        "unsupported_grant_type",
        "invalid_scope",
    }
)


def _call(platform: Platform, method: str, url: str, what: str, **kwargs: Any) -> requests.Response:
    """One outbound call to this platform's own origins; failures become ServiceError."""
    try:
        return outbound_request(
            method, url, allowed_origins=platform_origins(platform), timeout=timeout(), **kwargs
        )
    except OutboundRefused as exc:
        raise ServiceError(
            f"{what} not called: {exc.reason}", status=exc.status, retryable=False
        ) from exc
    except requests.RequestException as exc:
        raise ServiceError(f"{what} unreachable: {exc.__class__.__name__}") from exc


def access_token(platform: Platform, scopes: Iterable[str]) -> str:
    """A bearer token for these scopes, from the cache while it has more than a minute left."""
    wanted = sorted(set(scopes))
    key = cache_key(platform, wanted)
    cached = cache.get(key)
    if isinstance(cached, str) and cached:
        return cached
    data = {
        "grant_type": "client_credentials",
        "client_assertion_type": ASSERTION_TYPE,
        "client_assertion": client_assertion(platform),
        "scope": " ".join(wanted),
    }
    if not on_issuer_site(platform.issuer, platform.auth_token_url):
        raise ServiceError(
            "token endpoint not called: it is not on the platform's own site", retryable=False
        )
    response = _call(
        platform,
        "POST",
        platform.auth_token_url,
        "token endpoint",
        data=data,
        headers={"Accept": "application/json"},
    )
    body = parse_json(response, "token endpoint")
    if response.status_code != 200 or not isinstance(body, dict) or "access_token" not in body:
        code = body.get("error") if isinstance(body, dict) else None
        named = f": {code}" if isinstance(code, str) and code in OAUTH_ERRORS else ""
        raise ServiceError(
            f"token endpoint refused ({describe(response)}){named}",
            status=response.status_code,
            retryable=response.status_code >= 500 or response.status_code == 429,
        )
    token = str(body["access_token"])
    try:
        expires_in = int(body.get("expires_in", 3600))
    except (TypeError, ValueError):
        expires_in = 3600
    ttl = expires_in - EXPIRY_MARGIN_SECONDS
    if ttl > 0:
        cache.set(key, token, timeout=ttl)
    return token


def forget_token(platform: Platform, scopes: Iterable[str]) -> None:
    """Drop a cached token the platform no longer accepts."""
    cache.delete(cache_key(platform, scopes))


def service_request(
    platform: Platform,
    method: str,
    url: str,
    scopes: Iterable[str],
    *,
    accept: str | None = None,
    content_type: str | None = None,
    body: Any = None,
    params: dict[str, str] | None = None,
) -> requests.Response:
    """Call a service with a bearer token; a 401 gets one fresh token and one more try.

    Network failures and URLs off the platform's origins raise ServiceError (a URL from a launch
    pointing elsewhere is never called); HTTP error statuses are returned for the caller to judge.
    """
    wanted = sorted(set(scopes))
    for attempt in (1, 2):
        headers = {"Authorization": f"Bearer {access_token(platform, wanted)}"}
        if accept:
            headers["Accept"] = accept
        data = None
        if body is not None:
            headers["Content-Type"] = content_type or "application/json"
            data = json.dumps(body)
        response = _call(platform, method, url, url, headers=headers, data=data, params=params)
        if response.status_code == 401 and attempt == 1:
            forget_token(platform, wanted)
            continue
        return response
    raise AssertionError("unreachable")  # pragma: no cover


def error_text(response: requests.Response) -> str:
    """A short description of an error answer for the stored reason (never its body)."""
    return f"{describe(response)} from {response.request.method} {response.url}"
