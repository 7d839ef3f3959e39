"""Platform public keys: JWKS fetched once, cached, re-fetched once when an unknown kid arrives."""

from __future__ import annotations

import hashlib
import json
import time
from typing import Any

import requests
from flask import current_app
from jwcrypto.jwk import JWK

from lms_plugin.extensions import cache
from lms_plugin.lti.http import OutboundRefused, describe, outbound_request
from lms_plugin.lti.validation import KEYS, LaunchRejected

TTL_SECONDS = 3600
# An unknown kid re-fetches the JWKS at most this often per URL (a flood of bogus kids must not
# turn the tool into a request amplifier against the platform).
REFETCH_COOLDOWN_SECONDS = 10


def _key(url: str) -> str:
    return "lti:jwks:" + hashlib.sha256(url.encode()).hexdigest()


def fetch_jwks(url: str) -> dict[str, Any]:
    """GET the platform's JWKS (its stored key set URL, checked against its issuer when it was
    registered); Moodle may send any content type, so parse the body regardless."""
    try:
        response = outbound_request("GET", url, allowed_origins=None)
    except OutboundRefused as exc:
        raise LaunchRejected(f"platform JWKS not fetched: {url}: {exc.reason}", KEYS) from exc
    except requests.RequestException as exc:
        raise LaunchRejected(
            f"platform JWKS unreachable: {url}: {exc.__class__.__name__}", KEYS
        ) from exc
    if response.status_code != 200:
        raise LaunchRejected(f"platform JWKS answered {describe(response)}: {url}", KEYS)
    try:
        data = json.loads(response.content)
    except ValueError as exc:
        raise LaunchRejected(f"platform JWKS is not JSON: {url}", KEYS) from exc
    if not isinstance(data, dict) or not isinstance(data.get("keys"), list):
        raise LaunchRejected(f"platform JWKS has no keys list: {url}", KEYS)
    return data


def _find(jwks: dict[str, Any], kid: str) -> str | None:
    for key in jwks["keys"]:
        if isinstance(key, dict) and key.get("kid") == kid:
            if key.get("alg", "RS256") != "RS256" or key.get("kty") != "RSA":
                raise LaunchRejected(f"platform key {kid} is not an RS256 RSA key", KEYS)
            pem: bytes = JWK(**key).export_to_pem()
            return pem.decode()
    return None


def public_key_pem(url: str, kid: str) -> str:
    """The PEM of the key `kid`; the cached JWKS is refreshed once if the kid is unknown."""
    cached = cache.get(_key(url))
    if cached is not None:
        pem = _find(cached["jwks"], kid)
        if pem is not None:
            return pem
        cooldown = float(
            current_app.config.get("LTI_JWKS_REFETCH_COOLDOWN", REFETCH_COOLDOWN_SECONDS)
        )
        if time.time() - float(cached["fetched_at"]) < cooldown:
            raise LaunchRejected(f"no platform key with kid {kid!r} at {url}", KEYS)
    jwks = fetch_jwks(url)
    cache.set(_key(url), {"jwks": jwks, "fetched_at": time.time()}, timeout=TTL_SECONDS)
    pem = _find(jwks, kid)
    if pem is None:
        raise LaunchRejected(f"no platform key with kid {kid!r} at {url}", KEYS)
    return pem


def forget(url: str) -> None:
    """Drop the cached JWKS of a platform (after its registration changes)."""
    cache.delete(_key(url))
