"""Where the practice LMS and the tool live; every absolute URL is derived from config."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app

DEFAULT_ISSUER = "http://127.0.0.1:5000/practice"
CLIENT_ID = "practice-tool"
DEPLOYMENT_ID = "1"
TYPE_ID = "1"  # Moodle's tool type id, repeated in its service URLs


def issuer() -> str:
    """The practice LMS's base URL and issuer: PRACTICE_ISSUER, else derived from SERVER_NAME."""
    configured = current_app.config.get("PRACTICE_ISSUER")
    if configured:
        return str(configured).rstrip("/")
    server = current_app.config.get("SERVER_NAME")
    if server:
        scheme = current_app.config.get("PREFERRED_URL_SCHEME") or "http"
        return f"{scheme}://{server}/practice"
    return DEFAULT_ISSUER


def platform_url(path: str) -> str:
    """An absolute URL on the practice LMS: platform_url("/jwks")."""
    return issuer() + path


def tool_url(path: str = "") -> str:
    """An absolute URL on the tool: PRACTICE_TOOL_URL, else the origin of the issuer."""
    configured = current_app.config.get("PRACTICE_TOOL_URL")
    if configured:
        base = str(configured).rstrip("/")
    else:
        parts = urlsplit(issuer())
        base = f"{parts.scheme}://{parts.netloc}"
    return base + path


def tool_login_url() -> str:
    return tool_url("/lti/login")


def tool_launch_url() -> str:
    """The tool's only redirect URI; deep linking launches there too."""
    return tool_url("/lti/launch")


def tool_jwks_url() -> str:
    return tool_url("/.well-known/jwks.json")


def lineitems_url(context_id: str) -> str:
    return platform_url(f"/contexts/{context_id}/lineitems?type_id={TYPE_ID}")


def lineitem_url(context_id: str, line_item_id: int) -> str:
    """Like Moodle: ends in /lineitem with a query, so tools must insert /scores before it."""
    return platform_url(
        f"/contexts/{context_id}/lineitems/{line_item_id}/lineitem?type_id={TYPE_ID}"
    )


def memberships_url(context_id: str) -> str:
    return platform_url(f"/contexts/{context_id}/memberships")
