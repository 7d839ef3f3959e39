"""Drive the practice LMS from tests: the real LTI 1.3 flow through Flask's test client.

Use in a test module or conftest:

    from tests.practice_platform import practice_lms, launch_as  # noqa: F401  (fixture + helper)

    def test_trainee_sees_home(client, practice_lms):
        response = launch_as(client, "anna", target="module:programme", locale="en")
        assert response.status_code == 200

`practice_lms` registers the practice platform for the test server name (https://tool.test)
and routes every `requests` call to https://tool.test/... into the app (a transport adapter), so
the tool fetching the platform's JWKS and the platform fetching the tool's JWKS both work
without a server. Server-to-server calls run in their own app context, as in a real deployment.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import jwt
import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient
from pylti1p3.service_connector import ServiceConnector
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict
from sqlalchemy import select
from werkzeug.test import TestResponse

from lms_plugin.db import db
from lms_plugin.lti.models import Platform
from lms_plugin.lti.tool_conf import registration_for
from lms_plugin.practice import urls
from lms_plugin.practice.models import PracticeResourceLink
from lms_plugin.practice.setup import register_practice_platform
from tests.practice_pages import Form, parse_page

__all__ = [
    "BASE",
    "FlaskTransport",
    "Form",
    "LaunchTrace",
    "PracticeLms",
    "in_english",
    "install_transport",
    "launch_as",
    "next_link",
    "parse_page",
    "practice_lms",
    "run_launch",
]


class FlaskTransport(BaseAdapter):
    """A requests transport adapter that answers from the Flask app (no network, no server)."""

    def __init__(self, app: Flask) -> None:
        super().__init__()
        self.app = app
        self.calls: list[tuple[str, str, int]] = []

    def send(
        self, request: requests.PreparedRequest, *args: Any, **kwargs: Any
    ) -> requests.Response:
        parts = urlsplit(str(request.url))
        body = request.body.encode() if isinstance(request.body, str) else request.body
        headers = {k: v for k, v in request.headers.items() if k.lower() != "content-length"}
        # A fresh app context: the call is a separate request, as it would be over the network.
        with self.app.app_context():
            answer = self.app.test_client().open(
                parts.path,
                base_url=f"{parts.scheme}://{parts.netloc}",
                query_string=parts.query,
                method=str(request.method),
                headers=headers,
                data=body,
            )
        self.calls.append((str(request.method), str(request.url), answer.status_code))
        response = requests.Response()
        response.status_code = answer.status_code
        response.reason = answer.status.split(" ", 1)[-1]
        response.headers = CaseInsensitiveDict(dict(answer.headers.items()))
        response._content = answer.get_data()
        response.url = str(request.url)
        response.request = request
        response.encoding = answer.mimetype_params.get("charset", "utf-8")
        return response

    def close(self) -> None:
        return None


def install_transport(
    app: Flask, monkeypatch: pytest.MonkeyPatch, prefix: str | None = None
) -> FlaskTransport:
    """Route `requests` calls to URLs under `prefix` (default: the app's own) into the app."""
    scheme = app.config.get("PREFERRED_URL_SCHEME", "https")
    prefix = (prefix or f"{scheme}://{app.config['SERVER_NAME']}/").lower()
    transport = FlaskTransport(app)
    original = requests.Session.get_adapter

    def get_adapter(self: requests.Session, url: str) -> BaseAdapter:
        if url.lower().startswith(prefix):
            return transport
        return original(self, url)

    monkeypatch.setattr(requests.Session, "get_adapter", get_adapter)
    return transport


class ToolServiceConnector(ServiceConnector):
    """pylti1p3's service connector as the tool uses it, with a token cache of its own."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._tokens: dict[str, str] = {}

    def _get_cached_access_token(self, scope_key: str) -> str | None:
        return self._tokens.get(scope_key)

    def _cache_access_token(self, scope_key: str, access_token: str, expires_in: float) -> None:
        self._tokens[scope_key] = access_token


@dataclass
class PracticeLms:
    """What the `practice_lms` fixture gives a test."""

    app: Flask
    transport: FlaskTransport
    issuer: str

    def platform(self) -> Platform:
        """The tool's registration of the practice LMS (call inside an app context)."""
        row = db.session.scalar(select(Platform).where(Platform.issuer == self.issuer))
        assert row is not None
        return row

    def service_connector(self) -> ToolServiceConnector:
        """The tool's side of AGS/NRPS calls: tokens from /practice/token with the tool's key."""
        with self.app.app_context():
            return ToolServiceConnector(registration_for(self.platform()))

    def link_id(self, target: str) -> int | None:
        """The id of the course activity whose custom target is `target`, if there is one."""
        with self.app.app_context():
            return db.session.scalar(
                select(PracticeResourceLink.id)
                .where(PracticeResourceLink.target == target)
                .order_by(PracticeResourceLink.id)
            )


@pytest.fixture
def practice_lms(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[PracticeLms]:
    """The practice LMS registered at https://tool.test/practice, the transport installed."""
    transport = install_transport(app, monkeypatch)
    with app.app_context():
        register_practice_platform()
        issuer = urls.issuer()
    yield PracticeLms(app=app, transport=transport, issuer=issuer)


@dataclass
class LaunchTrace:
    """Every step of one launch: the final response and the id_token the tool received."""

    response: TestResponse
    id_token: str
    claims: dict[str, Any]
    steps: list[tuple[str, str, int]] = field(default_factory=list)


BASE = "https://tool.test"


def run_launch(
    client: FlaskClient,
    who: str,
    *,
    target: str | None = None,
    link: int | None = None,
    locale: str = "hu",
    deep_link: bool = False,
) -> LaunchTrace:
    """Pick `who` on /practice/, then follow the real flow to the tool's landing page.

    /practice/launch → /practice/initiate (auto-POST) → /lti/login → /practice/auth (auto-POST
    id_token) → /lti/launch → the target page. `target` picks the activity with that custom
    target, or sends it as the target override on the home activity; `link` names an activity.
    """
    steps: list[tuple[str, str, int]] = []
    query: dict[str, str] = {"who": who, "locale": locale}
    if deep_link:
        query["mode"] = "deep_link"
    else:
        chosen = link
        if chosen is None:
            chosen = _link_for(client, target or "home")
            if chosen is None:
                chosen = _link_for(client, "home")
                query["target"] = target or ""
        query["link"] = str(chosen)
    player = client.get(f"{BASE}/practice/launch", query_string=query)
    steps.append(("GET", "/practice/launch", player.status_code))
    assert player.status_code == 200, player.get_data(as_text=True)
    start = parse_page(player.get_data(as_text=True)).iframe_src
    assert start, "the player page has no iframe"
    initiate = client.get(start if start.startswith("http") else BASE + start)
    steps.append(("GET", start, initiate.status_code))
    assert initiate.status_code == 200, initiate.get_data(as_text=True)
    form = parse_page(initiate.get_data(as_text=True)).form_to("/lti/login")
    answer = client.post(form.action, data=form.fields)
    steps.append(("POST", form.action, answer.status_code))
    auth = _browse_to(client, answer, "/practice/auth", steps)
    assert auth.status_code == 200, auth.get_data(as_text=True)
    auth_form = parse_page(auth.get_data(as_text=True)).form_to("/lti/launch")
    id_token = auth_form.fields["id_token"]
    final = client.post(auth_form.action, data=auth_form.fields, follow_redirects=True)
    steps.append(("POST", auth_form.action, final.status_code))
    claims = jwt.decode(id_token, options={"verify_signature": False})
    return LaunchTrace(response=final, id_token=id_token, claims=claims, steps=steps)


def launch_as(
    client: FlaskClient,
    who: str,
    *,
    target: str | None = None,
    link: int | None = None,
    locale: str = "hu",
    deep_link: bool = False,
) -> TestResponse:
    """The full real launch as `who` (anna, peter, eva, gabor, zsuzsa); the tool's final page."""
    return run_launch(
        client, who, target=target, link=link, locale=locale, deep_link=deep_link
    ).response


def in_english(client: FlaskClient) -> None:
    """Switch this browser's pages to English (a launch switches back to its own locale)."""
    client.post(f"{BASE}/language", data={"lang": "en", "next": "/practice/"})


def _browse_to(
    client: FlaskClient, answer: TestResponse, path: str, steps: list[tuple[str, str, int]]
) -> TestResponse:
    """Act as the browser until a page under `path` is reached: follow redirects, and the
    continue URL of the tool's cookie-check page (its script would go there)."""
    for _ in range(5):
        if answer.status_code in (301, 302, 303):
            url = answer.headers["Location"]
        elif answer.status_code == 200 and (nxt := parse_page(answer.get_data(as_text=True))):
            if nxt.continue_url is None:
                break
            url = nxt.continue_url
        else:
            break
        url = url if url.startswith("http") else BASE + url
        answer = client.get(url)
        steps.append(("GET", url, answer.status_code))
        if urlsplit(url).path.startswith(path):
            return answer
    raise AssertionError(f"never reached {path}: {steps}\n{answer.get_data(as_text=True)}")


def _link_for(client: FlaskClient, target: str) -> int | None:
    app = client.application
    with app.app_context():
        found: int | None = db.session.scalar(
            select(PracticeResourceLink.id)
            .where(PracticeResourceLink.target == target)
            .order_by(PracticeResourceLink.id)
        )
        return found


def next_link(header: str | None) -> str | None:
    """The URL of Moodle's `Link: <url>;rel=next` header, with or without the angle brackets."""
    if not header:
        return None
    match = re.search(r"<?([^<>;\s]+)>?\s*;\s*rel=\"?next\"?", header)
    return match.group(1) if match else None
