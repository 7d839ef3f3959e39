"""The LTI Core 1.3 and Security Framework checks pylti1p3 leaves out."""

from __future__ import annotations

import time
from typing import Any

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
DL_SETTINGS = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
SUPPORTED_MESSAGES = ("LtiResourceLinkRequest", "LtiDeepLinkingRequest")
ALLOWED_ALGORITHMS = ("RS256",)

# What went wrong, in words the rejection page explains (see templates/lti/rejected.html).
UNKNOWN_PLATFORM = "unknown_platform"
UNKNOWN_DEPLOYMENT = "unknown_deployment"
EXPIRED = "expired"
REPLAY = "replay"
COOKIES = "cookies"
KEYS = "keys"
INVALID = "invalid"


class LaunchRejected(Exception):
    """A launch that breaks a rule; `reason` goes to the log, `kind` picks the page's advice."""

    def __init__(self, reason: str, kind: str = INVALID, *, status: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.kind = kind
        default = 403 if kind in (UNKNOWN_PLATFORM, UNKNOWN_DEPLOYMENT) else 400
        self.status = status or default


def check_header(header: dict[str, Any]) -> None:
    """RS256 only, and a kid."""
    alg = header.get("alg")
    if alg not in ALLOWED_ALGORITHMS:
        raise LaunchRejected(f"algorithm {alg!r} not allowed")
    if not header.get("kid"):
        raise LaunchRejected("JWT header has no kid", KEYS)


def check_times(body: dict[str, Any], *, leeway: int, now: float | None = None) -> None:
    """exp and iat are required numbers; both are checked with `leeway` seconds of clock skew."""
    now = time.time() if now is None else now
    for claim in ("exp", "iat"):
        value = body.get(claim)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise LaunchRejected(f"claim {claim} missing or not a number")
    if body["exp"] + leeway < now:
        raise LaunchRejected(f"id_token expired {int(now - body['exp'])} s ago", EXPIRED)
    if body["iat"] - leeway > now:
        raise LaunchRejected(
            f"id_token issued {int(body['iat'] - now)} s in the future (clock skew)", EXPIRED
        )


def check_audience(body: dict[str, Any], client_id: str) -> None:
    """aud contains our client_id; azp names it when there are several audiences or azp is sent."""
    aud = body.get("aud")
    audiences = aud if isinstance(aud, list) else [aud]
    if client_id not in audiences:
        raise LaunchRejected("aud does not contain our client_id", UNKNOWN_PLATFORM)
    if (len(audiences) > 1 or "azp" in body) and body.get("azp") != client_id:
        raise LaunchRejected("azp is not our client_id")


def check_claims(
    body: dict[str, Any],
    *,
    client_id: str,
    leeway: int,
    login_deployment_id: str | None = None,
    now: float | None = None,
) -> None:
    """Time, audience, version, message type and the claims each message requires."""
    check_times(body, leeway=leeway, now=now)
    check_audience(body, client_id)
    message_type = body.get(LTI + "message_type")
    if message_type not in SUPPORTED_MESSAGES:
        raise LaunchRejected(f"unsupported message_type {message_type!r}")
    if body.get(LTI + "version") != "1.3.0":
        raise LaunchRejected(f"LTI version {body.get(LTI + 'version')!r} is not 1.3.0")
    sub = body.get("sub")
    if not isinstance(sub, str) or not sub or len(sub) > 255:
        raise LaunchRejected("sub missing, empty or longer than 255 characters")
    deployment_id = body.get(LTI + "deployment_id")
    if not isinstance(deployment_id, str) or not deployment_id or len(deployment_id) > 255:
        raise LaunchRejected("deployment_id missing or invalid", UNKNOWN_DEPLOYMENT)
    if login_deployment_id and login_deployment_id != deployment_id:
        raise LaunchRejected(
            "deployment_id differs from lti_deployment_id of the login", UNKNOWN_DEPLOYMENT
        )
    roles = body.get(LTI + "roles")
    if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
        raise LaunchRejected("roles claim missing or not a list")
    if not isinstance(body.get(LTI + "target_link_uri"), str) or not body[LTI + "target_link_uri"]:
        raise LaunchRejected("target_link_uri missing")
    if message_type == "LtiResourceLinkRequest":
        link = body.get(LTI + "resource_link")
        if not isinstance(link, dict) or not link.get("id"):
            raise LaunchRejected("resource_link.id missing")
    else:
        settings = body.get(DL_SETTINGS)
        if not isinstance(settings, dict) or not settings.get("deep_link_return_url"):
            raise LaunchRejected("deep_linking_settings.deep_link_return_url missing")
    context = body.get(LTI + "context")
    if context is not None and (not isinstance(context, dict) or not context.get("id")):
        raise LaunchRejected("context claim without id")
