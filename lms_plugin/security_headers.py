"""Security headers and iframe-friendly cookies (SameSite=None; Secure; Partitioned over HTTPS)."""

from __future__ import annotations

from flask import Flask, Response, request
from flask.sessions import SecureCookieSessionInterface

from lms_plugin.lti.frame_ancestors import frame_ancestors


class IframeSessionInterface(SecureCookieSessionInterface):
    """The session cookie is written after every after_request hook, so it gets its
    iframe-friendly attributes here: SameSite=None; Secure; Partitioned over HTTPS, else Lax."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(request.is_secure)

    def get_cookie_samesite(self, app: Flask) -> str | None:
        return "None" if request.is_secure else "Lax"

    def get_cookie_partitioned(self, app: Flask) -> bool:
        return bool(request.is_secure)


def _harden_cookies(response: Response) -> None:
    """Every cookie becomes SameSite=None; Secure; Partitioned over HTTPS, Lax over plain HTTP."""
    cookies = response.headers.getlist("Set-Cookie")
    if not cookies:
        return
    response.headers.remove("Set-Cookie")
    for cookie in cookies:
        parts = [p.strip() for p in cookie.split(";") if p.strip()]
        kept = [
            p for p in parts if p.split("=")[0].lower() not in {"samesite", "secure", "partitioned"}
        ]
        if request.is_secure:
            kept += ["Secure", "SameSite=None", "Partitioned"]
        else:
            kept += ["SameSite=Lax"]
        response.headers.add("Set-Cookie", "; ".join(kept))


def register(app: Flask) -> None:
    """Add the headers to every response."""
    app.session_interface = IframeSessionInterface()

    @app.after_request
    def _headers(response: Response) -> Response:
        _harden_cookies(response)
        ancestors = " ".join(["'self'", *frame_ancestors()])
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "object-src 'none'; base-uri 'self'; form-action *; "
            f"frame-ancestors {ancestors}",
        )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        if request.is_secure:
            response.headers.setdefault(
                "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
            )
        if not request.path.startswith(("/static/", "/.well-known/", "/healthz")):
            response.headers.setdefault("Cache-Control", "no-store, private")
        return response
