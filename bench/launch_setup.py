"""An in-process practice platform for the launch benchmarks: its key signs id_tokens, the tool
fetches its JWKS through a transport adapter (no network) and caches it after the first launch."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt
from flask import Flask
from flask.testing import FlaskClient

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"


@dataclass
class Platform:
    """What a benchmark needs to play the platform's part of a launch."""

    issuer: str
    client_id: str
    deployment_id: str
    private_pem: str
    public_pem: str
    kid: str
    base: str

    def login_query(self, sub: str) -> dict[str, str]:
        return {
            "iss": self.issuer,
            "login_hint": sub,
            "client_id": self.client_id,
            "target_link_uri": f"{self.base}/lti/launch",
            "lti_deployment_id": self.deployment_id,
            "lti1p3_new_window": "1",  # past the cookie-check page, as its script does
        }

    def id_token(self, sub: str, nonce: str, *, context: str = "bench-course") -> str:
        """A Moodle-shaped id_token for a learner (the platform's work: not timed)."""
        now = int(time.time())
        body: dict[str, Any] = {
            "iss": self.issuer,
            "aud": self.client_id,
            "sub": sub,
            "nonce": nonce,
            "iat": now,
            "exp": now + 60,
            "name": f"Bench User {sub}",
            "locale": "hu",
            f"{CLAIM}deployment_id": self.deployment_id,
            f"{CLAIM}message_type": "LtiResourceLinkRequest",
            f"{CLAIM}version": "1.3.0",
            f"{CLAIM}target_link_uri": f"{self.base}/lti/launch",
            f"{CLAIM}roles": [LEARNER],
            f"{CLAIM}context": {"id": context, "title": "Bench course", "type": ["CourseSection"]},
            f"{CLAIM}resource_link": {"id": "bench-link", "title": "Mentor course"},
            f"{CLAIM}custom": {"target": "home"},
        }
        return jwt.encode(body, self._signing_key(), algorithm="RS256", headers={"kid": self.kid})

    def _signing_key(self) -> Any:
        if not hasattr(self, "_key"):
            from cryptography.hazmat.primitives import serialization

            self._key = serialization.load_pem_private_key(self.private_pem.encode(), None)
        return self._key


def install(app: Flask) -> Platform:
    """Register the practice LMS of `app` and route the tool's calls to it in-process."""
    from lms_plugin.lti.http import mount_adapter
    from lms_plugin.practice import urls
    from lms_plugin.practice.keys import platform_key
    from lms_plugin.practice.setup import register_practice_platform
    from tests.practice_platform import FlaskTransport

    with app.app_context():
        register_practice_platform()
        key = platform_key()
        issuer = urls.issuer()
    base = f"{app.config['PREFERRED_URL_SCHEME']}://{app.config['SERVER_NAME']}"
    mount_adapter(app, base + "/", FlaskTransport(app))
    return Platform(
        issuer=issuer,
        client_id=urls.CLIENT_ID,
        deployment_id=urls.DEPLOYMENT_ID,
        private_pem=key.private_pem,
        public_pem=key.public_pem,
        kid=key.kid,
        base=base,
    )


def login(client: FlaskClient, platform: Platform, sub: str) -> tuple[str, str, int]:
    """The OIDC login request: (state, nonce, status)."""
    response = client.get("/lti/login", query_string=platform.login_query(sub))
    query = parse_qs(urlsplit(response.headers.get("Location", "")).query)
    return query.get("state", [""])[0], query.get("nonce", [""])[0], response.status_code
