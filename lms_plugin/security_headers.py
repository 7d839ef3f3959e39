"""Security headers and iframe-friendly cookies (SameSite=None; Secure; Partitioned over HTTPS)."""

from __future__ import annotations

from flask import Flask, Response, request

from lms_plugin.lti.frame_ancestors import frame_ancestors


def _harden_cookies(response: Response) -> None:
    """Every cookie becomes SameSite=None; Secure; Partitioned over HTTPS, Lax over plain HTTP."""
    cookies = response.headers.getlist("Set-Cookie")
    if not cookies:
        return
    response.headers.remove("Set-Cookie")
    for cookie in cookies:
        parts = [p.strip() for p in cookie.split(";") if p.strip()]
        kept = [p for p in parts if p.split("=")[0].lower() not in {"samesite", "secure", "partitioned"}]
        if request.is_secure:
            kept += ["Secure", "SameSite=None", "Partitioned"]
        else:
            kept += ["SameSite=Lax"]
        response.headers.add("Set-Cookie", "; ".join(kept))


def register(app: Flask) -> None:
    """Add the headers to every response."""

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
