"""A small LTI Advantage platform on lti1p3platform, mounted as a `requests` transport adapter.

It issues access tokens (answering JSON as text/html like Moodle's token.php), keeps line items
and scores (409 for a timestamp that is not newer, like Moodle), serves NRPS pages with a Link
header in Moodle's forms, and can be switched off (connection refused) or made to answer 500.
"""

from __future__ import annotations

import json
import time
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import jwt
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from lti1p3platform.exceptions import LineItemNotFoundException
from lti1p3platform.ltiplatform import LTI1P3PlatformConfAbstract
from lti1p3platform.membership import Context
from lti1p3platform.registration import Registration
from lti1p3platform.request import Request, TRequest
from lti1p3platform.score import UpdateScoreStatus
from lti1p3platform.service_connector import (
    AssignmentsGradesService,
    NamesRoleProvisioningService,
)
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

from lms_plugin.lti import keys

BASE = "https://lms.stub"


def _pem_pair() -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, public


_PLATFORM_KEYS = _pem_pair()


class PreparedLtiRequest(Request):
    """A requests.PreparedRequest in the shape lti1p3platform reads."""

    def build_metadata(self, req: Any) -> TRequest:
        parts = urlsplit(req.url)
        query: dict[str, Any] = dict(parse_qsl(parts.query))
        for name in ("page", "limit"):
            if name in query:
                query[name] = int(query[name])
        body = req.body.decode() if isinstance(req.body, bytes) else (req.body or "")
        content_type = req.headers.get("Content-Type", "")
        return {
            "method": req.method,
            "form_data": dict(parse_qsl(body)) if "form" in content_type else {},
            "get_data": query,
            "headers": req.headers,
            "content_type": content_type,
            "path": parts.path,
            "json": json.loads(body) if body and "json" in content_type else None,
        }


class StubConf(LTI1P3PlatformConfAbstract):
    """The platform's registration of one client_id; the tool's keys are its current JWKS."""

    def init_platform_config(self, **kwargs: Any) -> None:
        reg = Registration()
        reg.set_iss(BASE)
        reg.set_client_id(kwargs["client_id"])
        reg.set_platform_private_key(_PLATFORM_KEYS[0])
        reg.set_platform_public_key(_PLATFORM_KEYS[1])
        reg.set_tool_key_set(keys.jwks())  # type: ignore[arg-type]
        self._registration = reg

    def get_registration_by_params(self, **kwargs: Any) -> Registration:
        assert self._registration is not None
        return self._registration


class StubAgs(AssignmentsGradesService):
    def __init__(self, stub: StubPlatform, request: Request, conf: StubConf) -> None:
        super().__init__(request, conf, f"{BASE}/lineitems")
        self.stub = stub

    def find_lineitems(
        self,
        page: int = 1,
        limit: int | None = None,
        line_item_id: str | None = None,
        resource_link_id: str | None = None,
        resource_id: str | None = None,
        tag: str | None = None,
        **_: Any,
    ) -> Any:
        items = [
            i
            for i in self.stub.line_items.values()
            if (resource_id is None or i.get("resourceId") == resource_id)
            and (tag is None or i.get("tag") == tag)
        ]
        return {"content": items, "has_next": False, "next": None}

    def find_lineitem(self, line_item_id: str) -> Any:
        raise NotImplementedError

    def create_lineitem(self, creation_data: Any) -> Any:
        number = len(self.stub.line_items) + 1
        item = dict(creation_data, id=f"{BASE}/lineitems/{number}/lineitem")
        self.stub.line_items[item["id"]] = item
        return item

    def update_lineitem(self, update_data: Any) -> Any:
        raise NotImplementedError

    def delete_lineitem(self, line_item_id: str) -> None:
        raise NotImplementedError

    def update_score(self, line_item_id: str, score: Any) -> UpdateScoreStatus:
        if line_item_id not in self.stub.line_items:
            raise LineItemNotFoundException(line_item_id)
        stamp = datetime.fromisoformat(str(score["timestamp"]).replace("Z", "+00:00"))
        previous = [
            s for s in self.stub.scores.get(line_item_id, []) if s["userId"] == score["userId"]
        ]
        if previous and stamp <= datetime.fromisoformat(
            previous[-1]["timestamp"].replace("Z", "+00:00")
        ):
            return UpdateScoreStatus.OLD_TIMESTAMP
        self.stub.scores.setdefault(line_item_id, []).append(score)
        return UpdateScoreStatus.SUCCESS

    def get_results(
        self, line_item_id: str, page: int = 1, limit: int | None = None, user_id: str | None = None
    ) -> Any:
        raise NotImplementedError


class StubNrps(NamesRoleProvisioningService):
    def __init__(self, stub: StubPlatform, request: Request, conf: StubConf) -> None:
        super().__init__(request, conf, f"{BASE}/memberships")
        self.stub = stub

    def get_member_data_page(
        self,
        page: int = 1,
        limit: int | None = None,
        role: str | None = None,
        since: str | None = None,
        **_: Any,
    ) -> Any:
        size = limit or len(self.stub.members) or 1
        start = (page - 1) * size
        chunk = self.stub.members[start : start + size]
        return {
            "content": [dict(m) for m in chunk],
            "has_next": start + size < len(self.stub.members),
        }

    def get_context_by_id(self) -> Context:
        return Context(id="course-1", label="MENTOR", title="Mentor course")


class StubPlatform(BaseAdapter):
    """The platform at https://lms.stub; state is plain attributes the tests read and set."""

    def __init__(self) -> None:
        super().__init__()
        self.down: str | int | None = None  # "connection" or an HTTP status
        self.token_requests: list[dict[str, Any]] = []
        self.tokens_issued: list[tuple[str, str, str]] = []  # (client_id, scope, token)
        self.line_items: dict[str, dict[str, Any]] = {}
        self.scores: dict[str, list[dict[str, Any]]] = {}
        self.members: list[dict[str, Any]] = []
        self.page_size = 2
        self.link_style = "moodle"  # "moodle" <url>;rel=next, "bare" url;rel=next, "standard"
        self.calls: list[tuple[str, str]] = []
        self.token_expires_in: int | None = None  # override the library's 3600 s

    def add_line_item(self, label: str, score_maximum: float = 100, **extra: Any) -> str:
        number = len(self.line_items) + 1
        url = f"{BASE}/lineitems/{number}/lineitem"
        self.line_items[url] = {"id": url, "label": label, "scoreMaximum": score_maximum, **extra}
        return url

    # -- transport ------------------------------------------------------------------------

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        assert request.url is not None and request.method is not None
        self.calls.append((request.method, request.url))
        if self.down == "connection":
            raise requests.ConnectionError(f"Connection refused: {request.url}")
        if isinstance(self.down, int):
            return self._response(
                request, self.down, "<html>Service unavailable</html>", "text/html"
            )
        path = urlsplit(request.url).path
        lti_request = PreparedLtiRequest(request)
        if path == "/token":
            return self._token(request, lti_request)
        try:
            if path.startswith("/lineitems"):
                return self._ags(request, lti_request, path)
            if path == "/memberships":
                return self._nrps(request, lti_request)
        except jwt.PyJWTError as exc:  # a token it did not sign (or expired)
            return self._response(request, 401, json.dumps(str(exc)), "application/json")
        return self._response(request, 404, "not found", "text/plain")

    def close(self) -> None:
        pass

    def _response(
        self,
        request: requests.PreparedRequest,
        status: int,
        body: str,
        content_type: str,
        headers: dict[str, str] | None = None,
    ) -> requests.Response:
        response = requests.Response()
        response.status_code = status
        response._content = body.encode()
        response.headers = CaseInsensitiveDict({"Content-Type": content_type, **(headers or {})})
        response.url = request.url or ""
        response.request = request
        response.encoding = "utf-8"
        return response

    def _conf(self, request: Request) -> StubConf:
        assertion = request.form_data.get("client_assertion", "")
        client_id = jwt.decode(assertion, options={"verify_signature": False}).get("iss", "")
        return StubConf(client_id=client_id)

    def _token(self, request: requests.PreparedRequest, lti_request: Request) -> requests.Response:
        form = lti_request.form_data
        self.token_requests.append(form)
        conf = self._conf(lti_request)
        claims = jwt.decode(form["client_assertion"], options={"verify_signature": False})
        assert claims["sub"] == claims["iss"], "sub must equal iss (the client_id)"
        assert claims["aud"] == f"{BASE}/token", "aud must be the token endpoint"
        assert claims["exp"] > time.time() and claims["jti"]
        answer: dict[str, Any] = dict(conf.get_access_token(form))
        if self.token_expires_in is not None:
            answer["expires_in"] = self.token_expires_in
        self.tokens_issued.append((claims["iss"], answer["scope"], answer["access_token"]))
        # Moodle's token.php: JSON, but Content-Type text/html.
        return self._response(request, 200, json.dumps(answer), "text/html; charset=utf-8")

    def _service_conf(self, request: requests.PreparedRequest) -> StubConf:
        token = str(request.headers.get("Authorization", "")).split()[-1]
        client_id = jwt.decode(token, options={"verify_signature": False}).get("sub", "")
        return StubConf(client_id=client_id)

    def _ags(
        self, request: requests.PreparedRequest, lti_request: Request, path: str
    ) -> requests.Response:
        service = StubAgs(self, lti_request, self._service_conf(request))
        if path == "/lineitems" and request.method == "GET":
            answer = service.handle_resp(service.handle_get_lineitems)
            body = answer.result["content"] if answer.code == 200 else answer.message
        elif path == "/lineitems" and request.method == "POST":
            answer = service.handle_resp(service.handle_create_lineitem)
            body = answer.result if answer.code == 201 else answer.message
        elif path.endswith("/scores") and request.method == "POST":
            item_url = BASE + path[: -len("/scores")]
            answer = service.handle_resp(service.handle_update_score, line_item_id=item_url)
            body = answer.message
        else:
            return self._response(request, 405, "method not allowed", "text/plain")
        return self._response(request, answer.code, json.dumps(body), answer.media_type)

    def _nrps(self, request: requests.PreparedRequest, lti_request: Request) -> requests.Response:
        query = lti_request.get_data
        if "limit" not in query:  # Moodle pages by itself; make the first page's limit explicit
            query["limit"] = self.page_size
        service = StubNrps(self, lti_request, self._service_conf(request))
        answer = service.handle_resp(service.handle_get_members)
        if answer.code != 200:
            return self._response(
                request, answer.code, json.dumps(answer.message), "application/json"
            )
        body = dict(answer.result)
        headers: dict[str, str] = {}
        following = body.pop("next", None)
        if following:
            next_url = str(following)
            headers["Link"] = {
                "moodle": f"<{next_url}>;rel=next",
                "bare": f"{next_url};rel=next",
                "standard": f'<{BASE}/memberships?page=1>; rel="first", <{next_url}>; rel="next"',
            }[self.link_style]
        return self._response(request, 200, json.dumps(body), answer.media_type, headers)
