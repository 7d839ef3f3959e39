"""LTI Dynamic Registration 1.0: read the platform's configuration, register, store the result."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
from flask import current_app, url_for

from lms_plugin.errors import DomainError
from lms_plugin.lti.frame_ancestors import origin_of
from lms_plugin.lti.http import TIMEOUT_SECONDS, http_session
from lms_plugin.lti.models import Deployment, Platform
from lms_plugin.lti.platforms import add_platform

log = logging.getLogger("lms_plugin.lti")
PLATFORM_CONFIG = "https://purl.imsglobal.org/spec/lti-platform-configuration"
TOOL_CONFIG = "https://purl.imsglobal.org/spec/lti-tool-configuration"
SCOPES = (
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly",
    "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
    "https://purl.imsglobal.org/spec/lti-ags/scope/score",
    "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly",
)
CLAIMS = ("iss", "sub", "name", "given_name", "family_name", "email")


class RegistrationError(DomainError):
    """Registration could not be completed; the message says what the admin can do."""


@dataclass(frozen=True)
class Registered:
    platform: Platform
    deployment: Deployment
    product: str


def _get_json(response: requests.Response, what: str) -> dict[str, Any]:
    try:
        data = json.loads(response.content)
    except ValueError as exc:
        raise RegistrationError(f"The platform's {what} is not valid JSON.") from exc
    if not isinstance(data, dict):
        raise RegistrationError(f"The platform's {what} is not a JSON object.")
    return data


def _check_allowed(url: str) -> None:
    allowed = current_app.config.get("LTI_REGISTRATION_ALLOWED_HOSTS") or []
    host = urlsplit(url).hostname or ""
    if allowed and "*" not in allowed and host not in allowed:
        raise RegistrationError(
            f"Dynamic registration from {host!r} is not allowed on this tool. "
            "Ask the tool's operator to add it to LTI_REGISTRATION_ALLOWED_HOSTS."
        )


def fetch_openid_configuration(url: str) -> dict[str, Any]:
    """The platform's openid-configuration; its issuer must be on the URL's origin."""
    if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc:
        raise RegistrationError("The openid_configuration parameter is not an http(s) URL.")
    _check_allowed(url)
    try:
        response = http_session().get(url, timeout=TIMEOUT_SECONDS)
    except requests.RequestException as exc:
        raise RegistrationError(
            f"The tool could not reach the platform's configuration at {url}. "
            "Check that the tool can connect to Moodle (firewall, DNS, certificates)."
        ) from exc
    if response.status_code != 200:
        raise RegistrationError(
            f"The platform answered {response.status_code} for its configuration at {url}."
        )
    config = _get_json(response, "configuration")
    issuer = config.get("issuer")
    if not isinstance(issuer, str) or origin_of(issuer) != origin_of(url):
        raise RegistrationError(
            f"The platform's issuer {issuer!r} is not on the same site as its configuration "
            f"URL {url}; the registration was refused for safety."
        )
    for field in ("authorization_endpoint", "token_endpoint", "jwks_uri", "registration_endpoint"):
        if not isinstance(config.get(field), str) or not config[field].startswith("http"):
            raise RegistrationError(f"The platform's configuration has no {field}.")
    algs = config.get("id_token_signing_alg_values_supported")
    if isinstance(algs, list) and "RS256" not in algs:
        raise RegistrationError("The platform does not sign with RS256.")
    return config


def client_registration(platform_config: dict[str, Any]) -> dict[str, Any]:
    """The registration request the tool sends (the URLs of this tool, its scopes and messages)."""
    launch = url_for("lti.launch", _external=True)
    name = str(current_app.config["TOOL_NAME"])
    product = platform_config.get(PLATFORM_CONFIG, {})
    supported = {
        m.get("type") for m in (product.get("messages_supported") or []) if isinstance(m, dict)
    }
    messages: list[dict[str, Any]] = [
        {"type": "LtiResourceLinkRequest", "target_link_uri": launch, "label": name}
    ]
    if not supported or "LtiDeepLinkingRequest" in supported:
        messages.append(
            {
                "type": "LtiDeepLinkingRequest",
                "target_link_uri": launch,
                "label": name,
                "placements": ["ContentArea"],
            }
        )
    return {
        "application_type": "web",
        "response_types": ["id_token"],
        "grant_types": ["implicit", "client_credentials"],
        "initiate_login_uri": url_for("lti.login", _external=True),
        "redirect_uris": [launch],
        "client_name": name,
        "jwks_uri": url_for("lti.jwks", _external=True),
        "logo_uri": url_for("static", filename="logo.svg", _external=True),
        "token_endpoint_auth_method": "private_key_jwt",
        "scope": " ".join(SCOPES),
        TOOL_CONFIG: {
            "domain": urlsplit(launch).netloc,
            "description": name,
            "target_link_uri": launch,
            "custom_parameters": {"target": "home"},
            "claims": list(CLAIMS),
            "messages": messages,
        },
    }


def register(openid_configuration_url: str, registration_token: str | None) -> Registered:
    """The whole flow; flushes the new Platform and Deployment, the caller commits."""
    config = fetch_openid_configuration(openid_configuration_url)
    payload = client_registration(config)
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if registration_token:
        headers["Authorization"] = f"Bearer {registration_token}"
    endpoint = str(config["registration_endpoint"])
    try:
        response = http_session().post(
            endpoint, data=json.dumps(payload), headers=headers, timeout=TIMEOUT_SECONDS
        )
    except requests.RequestException as exc:
        raise RegistrationError(
            f"The tool could not reach the registration endpoint {endpoint}."
        ) from exc
    if response.status_code not in (200, 201):
        detail = response.text[:300]
        log.warning(
            "registration refused", extra={"data": {"status": response.status_code, "body": detail}}
        )
        raise RegistrationError(
            f"The platform refused the registration ({response.status_code}): {detail}"
        )
    answer = _get_json(response, "registration answer")
    client_id = answer.get("client_id")
    raw_config = answer.get(TOOL_CONFIG)
    tool_config: dict[str, Any] = raw_config if isinstance(raw_config, dict) else {}
    deployment_id = tool_config.get("deployment_id")
    if not isinstance(client_id, str) or not client_id:
        raise RegistrationError("The platform's registration answer has no client_id.")
    if not isinstance(deployment_id, str | int) or str(deployment_id) == "":
        raise RegistrationError("The platform's registration answer has no deployment_id.")
    product = config.get(PLATFORM_CONFIG, {})
    product_name = (
        str(product.get("product_family_code") or "") if isinstance(product, dict) else ""
    )
    platform, deployment = add_platform(
        issuer=str(config["issuer"]),
        client_id=client_id,
        deployment_id=str(deployment_id),
        auth_url=str(config["authorization_endpoint"]),
        token_url=str(config["token_endpoint"]),
        jwks_url=str(config["jwks_uri"]),
        name=f"{product_name or 'LMS'} {urlsplit(str(config['issuer'])).netloc}".strip(),
        registered_via="dynamic",
    )
    platform.auth_audience = (
        str(config["authorization_server"]) if config.get("authorization_server") else None
    )
    log.info(
        "platform registered",
        extra={
            "data": {
                "issuer": platform.issuer,
                "client_id": client_id,
                "deployment_id": str(deployment_id),
            }
        },
    )
    return Registered(platform, deployment, product_name)
