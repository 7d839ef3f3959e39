"""Finish a validated launch: the session, and a one-time token to resume it in a new window.

After the launch the browser is sent to /lti/continue/<token>. If the session cookie came back,
the token is dropped and the user goes on; if the browser refused the cookie (a third-party
iframe), the page offers "Open in a new window", which opens /lti/resume/<token> top-level and
sets the session there. The token is usable once and lives a few minutes.

The token is bound to the browser that launched: the launch response sets a nonce cookie
(`lms_launch`, HttpOnly, SameSite=None; Secure; Partitioned over HTTPS like the session cookie)
and the token remembers its hash. /lti/resume/<token> signs in at once only when that cookie comes
back (or the session already belongs to the launched user); otherwise (a link from someone else,
or a browser that keeps no cookie from inside Moodle at all) it asks first, naming the person, and
it always asks before replacing the session of another user.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import asdict
from typing import Any

from flask import Response, g, request, session

from lms_plugin import request_cache
from lms_plugin.accounts.current import start_session
from lms_plugin.accounts.models import Role, User
from lms_plugin.db import db
from lms_plugin.extensions import cache
from lms_plugin.lti.services import LaunchResult
from lms_plugin.lti.validation import DL_SETTINGS, LTI

TOKEN_TTL_SECONDS = 300
DEEP_LINK_KEY = "lti_deep_link"
NONCE_COOKIE = "lms_launch"
NONCE_MAX_AGE = 12 * 3600
_PENDING_NONCE = "lti_resume_nonce"  # on `g`: the cookie the launch response must set


def _digest(nonce: str) -> str:
    return hashlib.sha256(nonce.encode("utf-8", "replace")).hexdigest()


def browser_nonce() -> str:
    """This browser's launch nonce: the one its cookie carries, else a new one set on the
    response (see set_nonce_cookie)."""
    nonce = g.get(_PENDING_NONCE) or request.cookies.get(NONCE_COOKIE, "")
    if not (20 <= len(nonce) <= 100):
        nonce = secrets.token_urlsafe(32)
    setattr(g, _PENDING_NONCE, nonce)
    return nonce


def set_nonce_cookie(response: Response) -> Response:
    """After a launch: (re)set the nonce cookie the token was bound to."""
    nonce = g.get(_PENDING_NONCE)
    if nonce:
        response.set_cookie(NONCE_COOKIE, nonce, max_age=NONCE_MAX_AGE, path="/lti/", httponly=True)
    return response


def from_this_browser(token: str) -> bool:
    """Did the browser that launched (the one holding the nonce cookie) send this request?"""
    data = cache.get(_key(token)) if token else None
    nonce = request.cookies.get(NONCE_COOKIE, "")
    if not isinstance(data, dict) or not nonce or not isinstance(data.get("nonce"), str):
        return False
    return hmac.compare_digest(str(data["nonce"]), _digest(nonce))


def _key(token: str) -> str:
    return "lti:resume:" + token


def deep_link_request(body: dict[str, Any], platform_pk: int) -> dict[str, Any] | None:
    """What the deep-linking response needs from the request (None for other messages)."""
    if body.get(LTI + "message_type") != "LtiDeepLinkingRequest":
        return None
    settings = body.get(DL_SETTINGS) or {}
    accept_types = settings.get("accept_types")
    return {
        "platform_pk": platform_pk,
        "deployment_id": str(body[LTI + "deployment_id"]),
        "return_url": str(settings["deep_link_return_url"]),
        "data": settings.get("data") if isinstance(settings.get("data"), str) else None,
        "accept_multiple": settings.get("accept_multiple") is not False,
        "accept_types": [str(t) for t in accept_types] if isinstance(accept_types, list) else [],
    }


def establish(result: LaunchResult, deep_link: dict[str, Any] | None) -> None:
    """Log the user in for this launch (in whichever window the browser keeps cookies)."""
    user = request_cache.lookup(("launched-user", result.user_id)) or db.session.get(
        User, result.user_id
    )
    if user is None:
        raise LookupError("the launched user no longer exists")
    start_session(
        user,
        result.role,
        context_pk=result.context_pk,
        resource_link_pk=result.resource_link_pk,
        target=result.target,
        locale=result.locale,
    )
    if deep_link is not None:
        session[DEEP_LINK_KEY] = deep_link


def issue_token(result: LaunchResult, deep_link: dict[str, Any] | None) -> str:
    """Remember the validated launch under a one-time token."""
    token = secrets.token_urlsafe(32)
    cache.set(
        _key(token),
        {
            "result": {**asdict(result), "role": result.role.value},
            "deep_link": deep_link,
            "nonce": _digest(browser_nonce()),
        },
        timeout=TOKEN_TTL_SECONDS,
    )
    return token


def peek(token: str) -> tuple[LaunchResult, dict[str, Any] | None] | None:
    """The launch behind a token, without using it up."""
    data = cache.get(_key(token)) if token else None
    if not isinstance(data, dict):
        return None
    fields = dict(data["result"])
    fields["role"] = Role(fields["role"])
    return LaunchResult(**fields), data.get("deep_link")


def consume(token: str) -> tuple[LaunchResult, dict[str, Any] | None] | None:
    """The launch behind a token; the token cannot be used again."""
    found = peek(token)
    # delete() answers whether this caller removed the key: of two racing requests, one wins.
    if found is None or not cache.delete(_key(token)):
        return None
    return found
