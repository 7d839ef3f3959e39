"""Outgoing HTTP for LTI (platform JWKS, openid-configuration, registration, token, AGS, NRPS).

Every request goes through `outbound_request()`: HTTPS only, never to loopback, private or
link-local addresses (unless the operator allows it), no redirects followed, the answer cut at
`LTI_OUTBOUND_MAX_BYTES` and the whole exchange bounded in time. Errors name what happened (the
status, the host), never the body of the answer.

An app can mount its own transport adapters (`mount_adapter`): the tests mount ones that play a
platform. A URL answered by an adapter that is not requests' own network adapter is in-process,
so the address checks do not apply to it (the scheme and origin checks still do).
"""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

import requests
from flask import Flask, current_app, has_app_context
from requests.adapters import BaseAdapter, HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

USER_AGENT = "lms-plugin-lti-tool/1.0"
EXTENSION = "lti_http_adapters"
TIMEOUT_SECONDS = 10
MAX_BYTES = 1024 * 1024
CHUNK = 64 * 1024


class OutboundRefused(Exception):
    """A call the tool will not make, or whose answer it will not read; `reason` is safe to show."""

    def __init__(self, reason: str, *, status: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


def mount_adapter(app: object, prefix: str, adapter: BaseAdapter) -> None:
    """Route every LTI request whose URL starts with `prefix` through `adapter`."""
    extensions = app.extensions  # type: ignore[attr-defined]
    extensions.setdefault(EXTENSION, {})[prefix] = adapter


def http_session() -> requests.Session:
    """A requests session with our User-Agent and the app's mounted adapters."""
    session = requests.Session()
    session.headers["User-Agent"] = USER_AGENT
    if has_app_context():
        for prefix, adapter in current_app.extensions.get(EXTENSION, {}).items():
            session.mount(prefix, adapter)
    return session


def origin_of(url: str) -> str | None:
    """scheme://host[:port] of a URL, lower-cased, default ports dropped; None without a host."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    if not parts.scheme or not parts.hostname:
        return None
    scheme = parts.scheme.lower()
    host = parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    if port is None or (scheme, port) in (("https", 443), ("http", 80)):
        return f"{scheme}://{host}"
    return f"{scheme}://{host}:{port}"


def configured_origins(name: str) -> set[str]:
    """A setting that lists origins ("https://moodle.example.hu:8443"), normalised."""
    raw = current_app.config.get(name) or []
    if isinstance(raw, str):
        raw = [raw]
    return {o for o in (origin_of(str(item)) for item in raw) if o}


TRUSTED_ORIGINS = "lti_trusted_origin_providers"


def add_trusted_origin(app: Flask, provider: Callable[[], str]) -> None:
    """Let a platform mounted in this app (the practice LMS) be called like an allowed origin;
    `provider` gives its base URL when asked (it may depend on the request's server name)."""
    app.extensions.setdefault(TRUSTED_ORIGINS, []).append(provider)


def _operator_origins() -> set[str]:
    """Origins the operator lets the tool call even on private addresses or over http."""
    allowed = configured_origins("LTI_OUTBOUND_ALLOWED_ORIGINS")
    for provider in current_app.extensions.get(TRUSTED_ORIGINS, []):
        origin = origin_of(provider())
        if origin:
            allowed.add(origin)
    return allowed


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def _check_address(host: str, port: int) -> None:
    """Refuse a host that is, or resolves to, a non-public address."""
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError) as exc:
        raise OutboundRefused(f"the tool could not resolve {host}") from exc
    addresses = {info[4][0] for info in infos}
    if not addresses or not all(_is_public(str(a)) for a in addresses):
        raise OutboundRefused(
            f"{host} is a private, loopback or link-local address; the tool does not call it "
            "(an operator may allow it with LTI_OUTBOUND_ALLOWED_ORIGINS or "
            "LTI_OUTBOUND_ALLOW_PRIVATE)"
        )


class _PublicPeerOnly:
    """Refuse a connection whose socket reached a non-public address.

    The host was resolved and checked before the request (`_check_address`), but the connection
    resolves it again: a DNS name that answers a public address first and a private one second
    (rebinding) would slip through. This checks the address the socket is actually connected
    to, before any byte (or TLS handshake) is sent. Through a proxy the peer is the proxy, which
    the operator chose: then there is nothing to check here."""

    host: str
    proxy: Any

    def _new_conn(self) -> socket.socket:
        sock: socket.socket = super()._new_conn()  # type: ignore[misc]
        if self.proxy is None:
            peer = str(sock.getpeername()[0])
            if not _is_public(peer):
                sock.close()
                raise OutboundRefused(
                    f"{self.host} answered from a private, loopback or link-local address when "
                    "the tool connected; the tool does not call it"
                )
        return sock


class _PublicHTTPConnection(_PublicPeerOnly, HTTPConnection):
    pass


class _PublicHTTPSConnection(_PublicPeerOnly, HTTPSConnection):
    pass


class _PublicHTTPPool(HTTPConnectionPool):
    ConnectionCls = _PublicHTTPConnection


class _PublicHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _PublicHTTPSConnection


class PublicOnlyAdapter(HTTPAdapter):
    """requests' network adapter whose connections may only reach public addresses."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": _PublicHTTPPool,
            "https": _PublicHTTPSPool,
        }


def check_url(url: str, session: requests.Session, allowed_origins: Iterable[str] | None) -> str:
    """The URL's origin when the tool may call it; else OutboundRefused."""
    origin = origin_of(url)
    if origin is None or urlsplit(url).scheme.lower() not in ("http", "https"):
        raise OutboundRefused("the address is not an absolute http(s) URL")
    if allowed_origins is not None and origin not in set(allowed_origins):
        raise OutboundRefused(f"{origin} is not the platform's own site; the tool does not call it")
    in_process = not isinstance(session.get_adapter(url), HTTPAdapter)
    if in_process:
        return origin
    operator = _operator_origins()
    if origin in operator:
        return origin
    parts = urlsplit(url)
    if parts.scheme.lower() != "https" and not current_app.config.get("LTI_OUTBOUND_ALLOW_HTTP"):
        raise OutboundRefused(f"{origin} is not HTTPS; the tool only calls platforms over HTTPS")
    if not current_app.config.get("LTI_OUTBOUND_ALLOW_PRIVATE"):
        _check_address(str(parts.hostname), parts.port or 443)
        # ... and again at connection time, against the address actually reached.
        session.mount(f"{parts.scheme.lower()}://", PublicOnlyAdapter())
    return origin


def _read_bounded(response: requests.Response, limit: int, deadline: float) -> None:
    """Load the body, at most `limit` bytes and before `deadline`, or refuse."""
    length = response.headers.get("Content-Length", "")
    if length.isascii() and length.isdigit() and int(length) > limit:
        response.close()
        raise OutboundRefused(
            f"the answer is larger than {limit} bytes", status=response.status_code
        )
    if response._content is not False:  # an in-process adapter already holds the body
        body = bytes(response._content or b"")
    else:
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_content(CHUNK):
            size += len(chunk)
            if size > limit:
                response.close()
                raise OutboundRefused(
                    f"the answer is larger than {limit} bytes", status=response.status_code
                )
            if time.monotonic() > deadline:
                response.close()
                raise OutboundRefused("the answer took too long", status=response.status_code)
            chunks.append(chunk)
        body = b"".join(chunks)
    if len(body) > limit:
        raise OutboundRefused(
            f"the answer is larger than {limit} bytes", status=response.status_code
        )
    response._content = body
    response._content_consumed = True  # type: ignore[attr-defined]


def outbound_request(
    method: str,
    url: str,
    *,
    allowed_origins: Iterable[str] | None,
    timeout: float | tuple[float, float] | None = None,
    **kwargs: Any,
) -> requests.Response:
    """Make one checked call; a redirect is returned as is (callers treat it as an error).

    `allowed_origins`: the platform's own origins (None only where no platform is known yet, as
    for the first registration request, whose URL the caller has already checked).
    Raises OutboundRefused (a refused URL, an oversized or slow answer) and
    requests.RequestException (network failures; the caller names them without details).
    """
    limit = int(current_app.config.get("LTI_OUTBOUND_MAX_BYTES", MAX_BYTES))
    total = float(current_app.config.get("LTI_OUTBOUND_TOTAL_SECONDS", 30))
    with http_session() as session:
        check_url(url, session, allowed_origins)
        deadline = time.monotonic() + total
        response = session.request(
            method,
            url,
            allow_redirects=False,
            stream=True,
            timeout=timeout if timeout is not None else TIMEOUT_SECONDS,
            **kwargs,
        )
        _read_bounded(response, limit, deadline)
    return response


def describe(response: requests.Response) -> str:
    """What an answer was, without its body: "HTTP 302 (redirects are not followed)"."""
    status = response.status_code
    if 300 <= status < 400:
        return f"HTTP {status} (a redirect; the tool does not follow redirects)"
    return f"HTTP {status}"
