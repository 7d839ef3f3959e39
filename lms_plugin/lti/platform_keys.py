"""Platform public keys: JWKS fetched once, cached, re-fetched once when an unknown kid arrives."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import requests
from jwcrypto.jwk import JWK

from lms_plugin.extensions import cache
from lms_plugin.lti.validation import LaunchRejected

TTL_SECONDS = 3600


def _key(url: str) -> str:
    return "lti:jwks:" + hashlib.sha256(url.encode()).hexdigest()


def fetch_jwks(url: str, session: requests.Session | None = None) -> dict[str, Any]:
    """GET the platform's JWKS; Moodle may send any content type, so parse the body regardless."""
    http = session or requests
    try:
        response = http.get(url, timeout=10)
        data = json.loads(response.content)
    except (requests.RequestException, ValueError) as exc:
        raise LaunchRejected(f"platform JWKS unreachable or not JSON: {url}: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("keys"), list):
        raise LaunchRejected(f"platform JWKS has no keys list: {url}")
    return data


def public_key_pem(url: str, kid: str, session: requests.Session | None = None) -> str:
    """The PEM of the key `kid`; the cached JWKS is refreshed once if the kid is unknown."""
    jwks = cache.get(_key(url))
    for attempt in (0, 1):
        if jwks is None or attempt == 1:
            jwks = fetch_jwks(url, session)
            cache.set(_key(url), jwks, timeout=TTL_SECONDS)
        for key in jwks["keys"]:
            if isinstance(key, dict) and key.get("kid") == kid:
                if key.get("alg", "RS256") != "RS256" or key.get("kty") != "RSA":
                    raise LaunchRejected(f"platform key {kid} is not an RS256 RSA key")
                pem: bytes = JWK(**key).export_to_pem()
                return pem.decode()
    raise LaunchRejected(f"no platform key with kid {kid!r} at {url}")
