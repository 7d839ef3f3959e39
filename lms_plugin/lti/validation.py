"""The LTI Core 1.3 and Security Framework checks pylti1p3 leaves out."""

from __future__ import annotations

import time
from typing import Any

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
SUPPORTED_MESSAGES = ("LtiResourceLinkRequest", "LtiDeepLinkingRequest")
ALLOWED_ALGORITHMS = ("RS256",)


class LaunchRejected(Exception):
    """A launch that breaks a rule; `reason` goes to the log, `message` to the person."""

    def __init__(self, reason: str, message: str | None = None, *, status: int = 400) -> None:
        super().__init__(reason)
        self.reason = reason
        self.message = message
        self.status = status


def check_header(header: dict[str, Any]) -> None:
    """RS256 only, and a kid."""
    alg = header.get("alg")
    if alg not in ALLOWED_ALGORITHMS:
        raise LaunchRejected(f"algorithm {alg!r} not allowed")
    if not header.get("kid"):
        raise LaunchRejected("JWT header has no kid")


def check_claims(
    body: dict[str, Any],
    *,
    client_id: str,
    leeway: int,
    login_deployment_id: str | None = None,
    now: float | None = None,
) -> None:
    """Time, audience, version, message type and the claims each message requires."""
    now = time.time() if now is None else now
    for claim in ("exp", "iat"):
        if not isinstance(body.get(claim), int | float):
            raise LaunchRejected(f"claim {claim} missing or not a number")
    if body["exp"] + leeway < now:
        raise LaunchRejected("id_token expired")
    if body["iat"] - leeway > now:
        raise LaunchRejected("id_token issued in the future")
    aud = body.get("aud")
    audiences = aud if isinstance(aud, list) else [aud]
    if client_id not in audiences:
        raise LaunchRejected("aud does not contain our client_id")
    if len(audiences) > 1 or "azp" in body:
        if body.get("azp") != client_id:
            raise LaunchRejected("azp is not our client_id")
    sub = body.get("sub")
    message_type = body.get(LTI + "message_type")
    if message_type not in SUPPORTED_MESSAGES:
        raise LaunchRejected(f"unsupported message_type {message_type!r}")
    if not isinstance(sub, str) or not sub or len(sub) > 255:
        raise LaunchRejected("sub missing, empty or longer than 255 characters")
    if body.get(LTI + "version") != "1.3.0":
        raise LaunchRejected("LTI version is not 1.3.0")
    deployment_id = body.get(LTI + "deployment_id")
    if not isinstance(deployment_id, str) or not deployment_id or len(deployment_id) > 255:
        raise LaunchRejected("deployment_id missing or invalid")
    if login_deployment_id and login_deployment_id != deployment_id:
        raise LaunchRejected("deployment_id differs from lti_deployment_id of the login")
    roles = body.get(LTI + "roles")
    if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
        raise LaunchRejected("roles claim missing or not a list")
    if message_type == "LtiResourceLinkRequest":
        if not body.get(LTI + "target_link_uri"):
            raise LaunchRejected("target_link_uri missing")
        link = body.get(LTI + "resource_link")
        if not isinstance(link, dict) or not link.get("id"):
            raise LaunchRejected("resource_link.id missing")
    else:
        settings = body.get("https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings")
        if not isinstance(settings, dict) or not settings.get("deep_link_return_url"):
            raise LaunchRejected("deep_linking_settings.deep_link_return_url missing")
    context = body.get(LTI + "context")
    if context is not None and (not isinstance(context, dict) or not context.get("id")):
        raise LaunchRejected("context claim without id")
