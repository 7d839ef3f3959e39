"""LTI Dynamic Registration 1.0: read the platform's configuration, register, store the result.

Off unless the operator turns it on (LTI_DYNAMIC_REGISTRATION) and names the platforms that may
use it (LTI_REGISTRATION_ALLOWED_ORIGINS: scheme, host and port). A registration only ever creates
a new platform, pending until a tool administrator activates it (unless its origin is in
LTI_REGISTRATION_TRUSTED_ORIGINS), and never changes an existing one.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
from flask import current_app, url_for
from flask_babel import gettext as _

from lms_plugin.errors import DomainError
from lms_plugin.lti.http import (
    OutboundRefused,
    configured_origins,
    describe,
    origin_of,
    outbound_request,
)
from lms_plugin.lti.models import Deployment, Platform
from lms_plugin.lti.platforms import extra_origins, on_issuer_site, register_new_platform

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
ENDPOINTS = ("authorization_endpoint", "token_endpoint", "jwks_uri", "registration_endpoint")


class RegistrationError(DomainError):
    """Registration could not be completed; the message says what the admin can do."""


class RegistrationDisabled(RegistrationError):
    """Dynamic registration is off on this tool (the default)."""


@dataclass(frozen=True)
class Registered:
    platform: Platform
    deployment: Deployment
    product: str


def is_enabled() -> bool:
    """LTI_DYNAMIC_REGISTRATION: off unless the operator turned it on."""
    return current_app.config.get("LTI_DYNAMIC_REGISTRATION") is True


def allowed_origins() -> set[str]:
    """Who may register: LTI_REGISTRATION_ALLOWED_ORIGINS (exact scheme://host[:port]), the
    trusted ones, and hosts of the deprecated LTI_REGISTRATION_ALLOWED_HOSTS read as https://host
    ("*" no longer means anyone)."""
    origins = configured_origins("LTI_REGISTRATION_ALLOWED_ORIGINS") | trusted_origins()
    for host in current_app.config.get("LTI_REGISTRATION_ALLOWED_HOSTS") or []:
        origin = origin_of(f"https://{host}") if host and "*" not in str(host) else None
        if origin:
            origins.add(origin)
    return origins


def trusted_origins() -> set[str]:
    """Origins whose registrations are active at once (LTI_REGISTRATION_TRUSTED_ORIGINS)."""
    return configured_origins("LTI_REGISTRATION_TRUSTED_ORIGINS")


def _get_json(response: requests.Response, what: str) -> dict[str, Any]:
    try:
        data = json.loads(response.content)
    except ValueError as exc:
        raise RegistrationError(_("The platform's %(what)s is not valid JSON.", what=what)) from exc
    if not isinstance(data, dict):
        raise RegistrationError(_("The platform's %(what)s is not a JSON object.", what=what))
    return data


def _check_allowed(url: str) -> str:
    """The origin of `url` when it may register; else RegistrationError."""
    if not is_enabled():
        raise RegistrationDisabled(
            _(
                "Dynamic registration is switched off on this tool. Register the tool by hand "
                "with the values below, or ask the tool's operator to allow your site."
            )
        )
    origin = origin_of(url)
    if origin is None or urlsplit(url).scheme not in ("http", "https"):
        raise RegistrationError(_("The openid_configuration parameter is not an http(s) URL."))
    if origin not in allowed_origins():
        raise RegistrationError(
            _(
                "Dynamic registration from %(origin)s is not allowed on this tool. Ask the "
                "tool's operator to add it to LTI_REGISTRATION_ALLOWED_ORIGINS.",
                origin=origin,
            )
        )
    return origin


def _call(method: str, url: str, origins: set[str], what: str, **kwargs: Any) -> requests.Response:
    """One outbound call for the registration; failures are named, answers never echoed."""
    try:
        return outbound_request(method, url, allowed_origins=origins, **kwargs)
    except OutboundRefused as exc:
        raise RegistrationError(
            _(
                "The tool did not read the platform's %(what)s: %(reason)s.",
                what=what,
                reason=exc.reason,
            )
        ) from exc
    except requests.RequestException as exc:
        raise RegistrationError(
            _(
                "The tool could not reach the platform's %(what)s at %(url)s. Check that the "
                "tool can connect to Moodle (firewall, DNS, certificates).",
                what=what,
                url=url,
            )
        ) from exc


def fetch_openid_configuration(url: str) -> dict[str, Any]:
    """The platform's openid-configuration; its issuer and endpoints must be on the URL's origin."""
    origin = _check_allowed(url)
    response = _call("GET", url, {origin}, _("configuration"))
    if response.status_code != 200:
        raise RegistrationError(
            _(
                "The platform answered %(status)s for its configuration at %(url)s.",
                status=describe(response),
                url=url,
            )
        )
    config = _get_json(response, _("configuration"))
    issuer = config.get("issuer")
    if not isinstance(issuer, str) or origin_of(issuer) != origin:
        raise RegistrationError(
            _(
                "The platform's issuer is not on the same site as its configuration URL %(url)s; "
                "the registration was refused for safety.",
                url=url,
            )
        )
    for field in ENDPOINTS:
        value = config.get(field)
        if not isinstance(value, str) or not value.startswith("http"):
            raise RegistrationError(
                _("The platform's configuration has no %(field)s.", field=field)
            )
        if not on_issuer_site(issuer, value):
            raise RegistrationError(
                _(
                    "The platform's %(field)s is not on its own site (%(origin)s); the "
                    "registration was refused for safety.",
                    field=field,
                    origin=origin,
                )
            )
    algs = config.get("id_token_signing_alg_values_supported")
    if isinstance(algs, list) and "RS256" not in algs:
        raise RegistrationError(_("The platform does not sign with RS256."))
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
            "claims": list(CLAIMS),
            "messages": messages,
        },
    }


def _product(config: dict[str, Any]) -> tuple[str, str]:
    """(product family code, "code version") as the platform describes itself."""
    product = config.get(PLATFORM_CONFIG)
    if not isinstance(product, dict):
        return "", ""
    code = str(product.get("product_family_code") or "")[:100]
    version = str(product.get("version") or "")[:100]
    return code, f"{code} {version}".strip()


def register(openid_configuration_url: str, registration_token: str | None) -> Registered:
    """The whole flow; flushes the new Platform and Deployment, the caller commits."""
    config = fetch_openid_configuration(openid_configuration_url)
    issuer = str(config["issuer"])
    origins = {o for o in (origin_of(issuer),) if o} | extra_origins()
    payload = client_registration(config)
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if registration_token:
        headers["Authorization"] = f"Bearer {registration_token}"
    endpoint = str(config["registration_endpoint"])
    response = _call(
        "POST",
        endpoint,
        origins,
        _("registration endpoint"),
        data=json.dumps(payload),
        headers=headers,
    )
    if response.status_code not in (200, 201):
        log.warning(
            "registration refused",
            extra={"data": {"status": response.status_code, "issuer": issuer}},
        )
        raise RegistrationError(
            _("The platform refused the registration (%(status)s).", status=describe(response))
        )
    answer = _get_json(response, _("registration answer"))
    client_id = answer.get("client_id")
    raw_config = answer.get(TOOL_CONFIG)
    tool_config: dict[str, Any] = raw_config if isinstance(raw_config, dict) else {}
    deployment_id = tool_config.get("deployment_id")
    if not isinstance(client_id, str) or not client_id or len(client_id) > 255:
        raise RegistrationError(_("The platform's registration answer has no client_id."))
    if not isinstance(deployment_id, str | int) or not 0 < len(str(deployment_id)) <= 255:
        raise RegistrationError(_("The platform's registration answer has no deployment_id."))
    code, product = _product(config)
    trusted = origin_of(issuer) in trusted_origins()
    audience = config.get("authorization_server")
    try:
        platform, deployment = register_new_platform(
            issuer=issuer,
            client_id=client_id,
            deployment_id=str(deployment_id),
            auth_url=str(config["authorization_endpoint"]),
            token_url=str(config["token_endpoint"]),
            jwks_url=str(config["jwks_uri"]),
            name=f"{code or 'LMS'} {urlsplit(issuer).netloc}".strip()[:255],
            product=product,
            registration_url=openid_configuration_url,
            auth_audience=audience if isinstance(audience, str) else None,
            trusted=trusted,
        )
    except DomainError as exc:
        raise RegistrationError(exc.message) from exc
    log.info(
        "platform registered",
        extra={
            "data": {
                "issuer": platform.issuer,
                "client_id": client_id,
                "deployment_id": str(deployment_id),
                "status": platform.status,
            }
        },
    )
    return Registered(platform, deployment, code)
