"""A test platform that signs real id_tokens: its RSA key, its JWKS served through a requests
transport adapter, and the OIDC login → launch round trip a browser makes with the tool.

The launch bodies are shaped on real Moodle 4.4 id_tokens (tests/fixtures/moodle/), re-signed with
the platform's key with fresh iat/exp/nonce.
"""

from __future__ import annotations

import copy
import json
import time
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from flask.testing import FlaskClient
from jwcrypto.jwk import JWK
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

from lms_plugin.db import db
from lms_plugin.lti.platforms import add_platform

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "moodle"
LTI = "https://purl.imsglobal.org/spec/lti/claim/"
DELETE = object()  # a claim value meaning "leave this claim out"
TOOL = "https://tool.test"


@cache
def rsa_pem(name: str) -> str:
    """A private key per name, generated once per test run."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def public_jwk(private_pem: str, kid: str) -> dict[str, Any]:
    jwk = JWK.from_pem(private_pem.encode())
    data: dict[str, Any] = json.loads(jwk.export_public())
    data.update({"kid": kid, "alg": "RS256", "use": "sig"})
    return data


def moodle_payload(kind: str) -> dict[str, Any]:
    """The payload of a real Moodle 4.4 id_token: `resource_link` or `deep_linking`."""
    data = json.loads((FIXTURES / f"id_token_{kind}.json").read_text())
    return dict(data["payload"])


def _response(
    request: requests.PreparedRequest, status: int, body: Any, ctype: str
) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response._content = body if isinstance(body, bytes) else json.dumps(body).encode()
    response.headers = CaseInsensitiveDict({"Content-Type": ctype})
    response.url = str(request.url)
    response.request = request
    return response


@dataclass
class Login:
    """What the tool's login redirect told the platform."""

    state: str
    nonce: str
    redirect_uri: str
    client_id: str
    login_hint: str
    lti_message_hint: str | None


@dataclass
class LaunchPlatform(BaseAdapter):
    """A Moodle-like platform: signs id_tokens, serves its JWKS, answers Dynamic Registration."""

    issuer: str = "https://moodle.test"
    client_id: str = "563UMi4gMBaLOai"
    deployment_id: str = "1"
    kid: str = "platform-key-1"
    private_pem: str = field(default_factory=lambda: rsa_pem("platform-1"))
    extra_keys: list[dict[str, Any]] = field(default_factory=list)
    jwks_requests: int = 0
    jwks_reachable: bool = True
    registrations: list[dict[str, Any]] = field(default_factory=list)
    registration_status: int = 200
    registration_answer: dict[str, Any] | None = None
    openid_config: dict[str, Any] | None = None
    # Gradebook columns this platform serves to GET (url → line item JSON), and the reads made.
    line_items: dict[str, dict[str, Any]] = field(default_factory=dict)
    line_item_reads: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__()

    # --- URLs, as Moodle names them
    @property
    def auth_url(self) -> str:
        return f"{self.issuer}/mod/lti/auth.php"

    @property
    def token_url(self) -> str:
        return f"{self.issuer}/mod/lti/token.php"

    @property
    def jwks_url(self) -> str:
        return f"{self.issuer}/mod/lti/certs.php"

    @property
    def openid_url(self) -> str:
        return f"{self.issuer}/mod/lti/openid-configuration.php"

    @property
    def registration_url(self) -> str:
        return f"{self.issuer}/mod/lti/openid-registration.php"

    def register(self, deployment_id: str | None = None) -> None:
        """Register this platform with the tool (as `lti add-platform` does) and commit."""
        add_platform(
            issuer=self.issuer,
            client_id=self.client_id,
            deployment_id=deployment_id or self.deployment_id,
            auth_url=self.auth_url,
            token_url=self.token_url,
            jwks_url=self.jwks_url,
            name="Test Moodle",
        )
        db.session.commit()

    def rotate(self, name: str = "platform-2", kid: str = "platform-key-2") -> None:
        """The platform signs with a new key from now on and publishes both."""
        self.extra_keys.append(public_jwk(self.private_pem, self.kid))
        self.private_pem, self.kid = rsa_pem(name), kid

    def jwks(self) -> dict[str, Any]:
        return {"keys": [public_jwk(self.private_pem, self.kid), *self.extra_keys]}

    # --- the requests transport
    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        url = str(request.url)
        if url.startswith(self.jwks_url):
            self.jwks_requests += 1
            if not self.jwks_reachable:
                raise requests.ConnectionError(f"connection refused: {url}")
            # Moodle answers JSON with whatever content type; the tool must not care.
            return _response(request, 200, self.jwks(), "text/html")
        if url.startswith(self.token_url) and request.method == "POST":
            token = {"access_token": "platform-token", "token_type": "Bearer", "expires_in": 3600}
            return _response(request, 200, token, "text/html")  # Moodle's token.php does so
        if request.method == "GET" and url in self.line_items:
            self.line_item_reads.append(url)
            return _response(
                request, 200, self.line_items[url], "application/vnd.ims.lis.v2.lineitem+json"
            )
        if url.startswith(self.openid_url):
            return _response(request, 200, self.openid_configuration(), "application/json")
        if url.startswith(self.registration_url) and request.method == "POST":
            body = request.body.decode() if isinstance(request.body, bytes) else str(request.body)
            self.registrations.append({"headers": dict(request.headers), "body": json.loads(body)})
            answer = self.registration_answer or self.default_registration_answer()
            return _response(request, self.registration_status, answer, "application/json")
        return _response(request, 404, {"error": "not found"}, "application/json")

    def close(self) -> None:
        return None

    def openid_configuration(self) -> dict[str, Any]:
        if self.openid_config is not None:
            return self.openid_config
        return {
            "issuer": self.issuer,
            "token_endpoint": self.token_url,
            "token_endpoint_auth_methods_supported": ["private_key_jwt"],
            "token_endpoint_auth_signing_alg_values_supported": ["RS256"],
            "jwks_uri": self.jwks_url,
            "authorization_endpoint": self.auth_url,
            "registration_endpoint": self.registration_url,
            "scopes_supported": ["https://purl.imsglobal.org/spec/lti-ags/scope/score", "openid"],
            "response_types_supported": ["id_token"],
            "subject_types_supported": ["public", "pairwise"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "claims_supported": ["sub", "iss", "name", "given_name", "family_name", "email"],
            "https://purl.imsglobal.org/spec/lti-platform-configuration": {
                "product_family_code": "moodle",
                "version": "4.4",
                "messages_supported": [
                    {"type": "LtiResourceLinkRequest"},
                    {"type": "LtiDeepLinkingRequest", "placements": ["ContentArea"]},
                ],
                "variables": ["Context.id"],
            },
        }

    def default_registration_answer(self) -> dict[str, Any]:
        sent = self.registrations[-1]["body"]
        return {
            **sent,
            "client_id": self.client_id,
            "https://purl.imsglobal.org/spec/lti-tool-configuration": {
                **sent["https://purl.imsglobal.org/spec/lti-tool-configuration"],
                "deployment_id": self.deployment_id,
            },
        }

    # --- the browser round trip
    def login(
        self, client: FlaskClient, *, method: str = "GET", new_window: bool = True, **params: str
    ) -> Login:
        """The platform starts the OIDC login; returns what the tool redirected to the platform."""
        query = {
            "iss": self.issuer,
            "login_hint": "4",
            "target_link_uri": f"{TOOL}/lti/launch",
            "lti_message_hint": '{"cmid":1,"launchid":"ltilaunch1_1"}',
            "client_id": self.client_id,
            "lti_deployment_id": self.deployment_id,
        }
        query.update(params)
        if new_window:
            query["lti1p3_new_window"] = "1"
        if method == "POST":
            response = client.post("/lti/login", data=query)
        else:
            response = client.get("/lti/login", query_string=query)
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        location = response.headers["Location"]
        assert location.startswith(self.auth_url), location
        values = {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}
        assert values["response_type"] == "id_token"
        assert values["response_mode"] == "form_post"
        assert values["prompt"] == "none"
        assert values["scope"] == "openid"
        return Login(
            state=values["state"],
            nonce=values["nonce"],
            redirect_uri=values["redirect_uri"],
            client_id=values["client_id"],
            login_hint=values["login_hint"],
            lti_message_hint=values.get("lti_message_hint"),
        )

    def claims(
        self, kind: str = "resource_link", nonce: str = "", **changes: Any
    ) -> dict[str, Any]:
        """A Moodle payload for this platform with fresh times; `changes` set or DELETE claims.

        Keyword names may be short (`roles`) for LTI claims or full claim URIs via `**{uri: v}`.
        """
        body = copy.deepcopy(moodle_payload(kind))
        now = int(time.time())
        body.update(
            {
                "iss": self.issuer,
                "aud": self.client_id,
                "iat": now,
                "exp": now + 60,
                "nonce": nonce,
                LTI + "deployment_id": self.deployment_id,
                LTI + "target_link_uri": f"{TOOL}/lti/launch",
            }
        )
        for name, value in changes.items():
            key = name if name.startswith("http") or name in _PLAIN else LTI + name
            if value is DELETE:
                body.pop(key, None)
            else:
                body[key] = value
        return body

    def sign(
        self,
        body: dict[str, Any],
        *,
        key_pem: str | None = None,
        headers: dict[str, Any] | None = None,
        algorithm: str = "RS256",
    ) -> str:
        head = {"kid": self.kid}
        head.update(headers or {})
        head = {k: v for k, v in head.items() if v is not DELETE}
        return jwt.encode(body, key_pem or self.private_pem, algorithm=algorithm, headers=head)

    def post_launch(self, client: FlaskClient, id_token: str, state: str) -> Any:
        return client.post("/lti/launch", data={"id_token": id_token, "state": state})

    def launch(
        self,
        client: FlaskClient,
        kind: str = "resource_link",
        *,
        follow: bool = True,
        **changes: Any,
    ) -> Any:
        """Login, sign a Moodle-shaped id_token with the login's nonce, post it, follow."""
        login = self.login(client)
        token = self.sign(self.claims(kind, nonce=login.nonce, **changes))
        response = self.post_launch(client, token, login.state)
        if follow and response.status_code == 302:
            return client.get(response.headers["Location"], follow_redirects=True)
        return response


_PLAIN = {
    "iss",
    "aud",
    "azp",
    "sub",
    "exp",
    "iat",
    "nonce",
    "name",
    "given_name",
    "family_name",
    "email",
}
