"""Outgoing HTTP for LTI (platform JWKS, openid-configuration, registration).

Every request goes through `http_session()`, so an app can mount its own transport adapters
(the tests mount one that plays a platform; a deployment could mount a proxy adapter).
"""

from __future__ import annotations

import requests
from flask import current_app, has_app_context
from requests.adapters import BaseAdapter

USER_AGENT = "lms-plugin-lti-tool/1.0"
EXTENSION = "lti_http_adapters"
TIMEOUT_SECONDS = 10


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
