"""Adversarial input for the LTI endpoints, JSON endpoints and forms; shared by the CI fuzz tests
(a few hundred examples) and bench/fuzz.py (≥ 10,000 requests). Every request is counted; a 5xx
is a failure."""

from __future__ import annotations

import base64
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import strategies as st

from lms_plugin.accounts.models import Role
from tests.conftest import ROOT, login

BASE = "https://tool.test"
MOODLE = json.loads((ROOT / "tests/fixtures/moodle/id_token_resource_link.json").read_text())
CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"

# --- strategies ---------------------------------------------------------------------------
nasty_text = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=0, max_size=300),
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "null",
            "[]",
            "{}",
            "../../etc/passwd",
            "%00",
            "%%",
            "\u202e",
            "😀" * 50,
            "' OR 1=1 --",
            "<script>alert(1)</script>",
            "javascript:alert(1)",
            "a" * 5000,
            "-1",
            "99999999999999999999999",
            "NaN",
            "https://evil.example/",
            "//evil.example",
            "\r\nX: y",
            # numbers that str.isdigit() accepts but int() or the database refuses
            "²",
            "¹²³",
            "٣",
            "0" * 30 + "1",
            str(2**31),
            str(2**63),
            str(2**64),
            "-" + str(2**63 + 1),
            "9" * 5000,
            "a\x00b",
            "%00",
        ]
    ),
    st.integers(min_value=0, max_value=2000).map(lambda n: "x" * n * 10),
)
# Only JSON carries lone surrogates (a form or a URL is bytes, decoded with replacement).
unstorable_text = st.sampled_from(["\ud800", "x\udfffy", "a\x00b", "\x00", "\udc80" * 3])
json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.sampled_from([2**31, 2**63, 2**64, -(2**63) - 1, 10**30]),
    st.floats(allow_nan=False),
    nasty_text,
    unstorable_text,
)
# Ids in URLs and query strings: huge, signed, padded, non-ASCII digits.
hostile_ids = st.one_of(
    st.integers(min_value=0, max_value=2**80).map(str),
    st.sampled_from(["²", "٣", "¹", "-1", "0", "1e3", " 1", "0x10", "1" * 400, "%00", "\x00"]),
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=5), st.dictionaries(nasty_text, inner, max_size=5)
    ),
    max_leaves=30,
)


@dataclass(frozen=True)
class RawJson:
    """JSON text too deep for json.dumps (it would hit the recursion limit on our side)."""

    text: str


def storable(value: Any) -> bool:
    """No NUL and no lone surrogate in any string or key of a JSON value (RawJson: ASCII only)."""
    if isinstance(value, RawJson):
        return "\\u0000" not in value.text and "\x00" not in value.text
    if isinstance(value, str):
        return "\x00" not in value and not any(0xD800 <= ord(c) <= 0xDFFF for c in value)
    if isinstance(value, dict):
        return all(storable(k) and storable(v) for k, v in value.items())
    if isinstance(value, list):
        return all(storable(v) for v in value)
    return True


def acceptable_json(value: Any) -> bool:
    """What the input layer lets through to a view: an object with storable strings."""
    return isinstance(value, dict | RawJson) and storable(value)


def nested_bomb(depth: int) -> RawJson:
    """{"a": [{"a": … }]} `depth` deep: past Python's recursion limit it breaks naive walkers."""
    return RawJson('{"a": [' * depth + '"x"' + "]}" * depth)


def wide_bomb(width: int) -> RawJson:
    """Many small keys: a cheap body that costs a naive walker a lot."""
    return RawJson(json.dumps({f"k{i}": [i, str(i)] for i in range(width)}))


def dumps(value: Any) -> str:
    """json.dumps that splices RawJson values in as they are."""
    if isinstance(value, RawJson):
        return value.text
    raws: dict[str, str] = {}

    def default(obj: Any) -> Any:
        if isinstance(obj, RawJson):
            marker = f"__raw_{len(raws)}__"
            raws[marker] = obj.text
            return marker
        return str(obj)

    text = json.dumps(value, default=default)
    for marker, raw in raws.items():
        text = text.replace(f'"{marker}"', raw)
    return text


bombs = st.one_of(st.integers(1, 3000).map(nested_bomb), st.integers(1, 20_000).map(wide_bomb))


CLAIM_NAMES = st.sampled_from(
    [
        "iss",
        "aud",
        "sub",
        "exp",
        "iat",
        "nonce",
        "azp",
        "name",
        "given_name",
        "email",
        "locale",
        f"{CLAIM}deployment_id",
        f"{CLAIM}message_type",
        f"{CLAIM}version",
        f"{CLAIM}roles",
        f"{CLAIM}context",
        f"{CLAIM}resource_link",
        f"{CLAIM}custom",
        f"{CLAIM}target_link_uri",
        f"{CLAIM}launch_presentation",
        "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint",
        "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice",
        "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings",
    ]
)
claim_overrides = st.dictionaries(
    CLAIM_NAMES,
    st.one_of(json_values, bombs),
    max_size=4,
)
header_overrides = st.fixed_dictionaries(
    {},
    optional={
        "alg": st.sampled_from(["RS256", "HS256", "none", "RS512", "ES256", "", "rs256"]),
        "kid": st.one_of(nasty_text, st.just("../../keys")),
        "typ": nasty_text,
        "jku": st.just("https://evil.example/jwks"),
    },
)
login_params = st.dictionaries(
    st.sampled_from(
        [
            "iss",
            "login_hint",
            "target_link_uri",
            "lti_message_hint",
            "lti_deployment_id",
            "client_id",
            "lti1p3_new_window",
            "x",
        ]
    ),
    nasty_text,
    max_size=6,
)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


garbage_tokens = st.one_of(
    nasty_text,
    st.binary(max_size=300).map(lambda b: _b64(b)),
    st.tuples(json_values, json_values, st.binary(max_size=64)).map(
        lambda t: ".".join(
            [_b64(json.dumps(t[0]).encode()), _b64(json.dumps(t[1]).encode()), _b64(t[2])]
        )
    ),
)


# --- the fuzzer ---------------------------------------------------------------------------
@dataclass
class Fuzzer:
    """Sends requests into one app and counts them; `failures` keeps every 5xx."""

    app: Flask
    issuer: str
    client_id: str
    deployment_id: str
    private_pem: str
    kid: str
    requests: int = 0
    failures: list[str] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)
    last_body: str = ""  # the page the last signed launch answered with

    def _count(self, what: str, status: int) -> int:
        self.requests += 1
        if status >= 500:
            self.failures.append(f"{what} -> {status}")
        return status

    def browser(self) -> FlaskClient:
        client = self.app.test_client()
        client.environ_base["wsgi.url_scheme"] = "https"
        return client

    def login(self, params: dict[str, str], method: str) -> int:
        client = self.browser()
        if method == "GET":
            response = client.get("/lti/login", query_string=params, base_url=BASE)
        else:
            response = client.post("/lti/login", data=params, base_url=BASE)
        return self._count(f"{method} /lti/login {params!r:.200}", response.status_code)

    def launch_raw(self, id_token: str, state: str) -> int:
        response = self.browser().post(
            "/lti/launch", data={"id_token": id_token, "state": state}, base_url=BASE
        )
        return self._count(f"POST /lti/launch id_token={id_token!r:.120}", response.status_code)

    def launch_signed(
        self, claims: dict[str, Any], header: dict[str, Any], truncate: int | None
    ) -> int:
        """A real OIDC login, then an id_token signed with the platform's key and hostile claims."""
        client = self.browser()
        start = client.get(
            "/lti/login",
            query_string={
                "iss": self.issuer,
                "login_hint": "4",
                "client_id": self.client_id,
                "target_link_uri": f"{BASE}/lti/launch",
                "lti_deployment_id": self.deployment_id,
                "lti1p3_new_window": "1",
            },  # what the cookie-check page's script sends
            base_url=BASE,
        )
        self._count("GET /lti/login (real)", start.status_code)
        location = start.headers.get("Location", "")
        query = parse_qs(urlsplit(location).query)
        state, nonce = query.get("state", ["s"])[0], query.get("nonce", ["n"])[0]
        now = int(time.time())
        body = dict(MOODLE["payload"])
        body.update(iss=self.issuer, aud=self.client_id, nonce=nonce, iat=now, exp=now + 60)
        body[f"{CLAIM}deployment_id"] = self.deployment_id
        body[f"{CLAIM}target_link_uri"] = f"{BASE}/lti/launch"
        body.update(claims)
        token = self._sign(body, header)
        if truncate is not None:
            token = token[: max(0, len(token) - truncate)]
        response = client.post(
            "/lti/launch", data={"id_token": token, "state": state}, base_url=BASE
        )
        self.last_body = response.get_data(as_text=True)
        return self._count(
            f"POST /lti/launch claims={list(claims)} header={header}", response.status_code
        )

    def _sign(self, body: dict[str, Any], header: dict[str, Any]) -> str:
        alg = header.get("alg", "RS256")
        headers = {"kid": self.kid, **{k: v for k, v in header.items() if k != "alg"}}
        payload = dumps(body).encode()
        try:
            if alg == "RS256":
                return jwt.api_jws.encode(
                    payload, self.private_pem, algorithm="RS256", headers=headers
                )
            if alg == "HS256":  # the algorithm-confusion attack: the public key as an HMAC secret
                return jwt.api_jws.encode(
                    payload, self.kid.encode() * 4, algorithm="HS256", headers=headers
                )
        except (TypeError, ValueError):
            pass
        head = _b64(json.dumps({"alg": alg, **headers}, default=str).encode())
        return f"{head}.{_b64(payload)}."

    def post_json(self, who: FlaskClient, path: str, body: Any) -> int:
        response = who.post(path, data=dumps(body), content_type="application/json", base_url=BASE)
        return self._count(f"POST {path} json={body!r:.120}", response.status_code)

    def post_form(self, who: FlaskClient, path: str, fields: dict[str, str]) -> int:
        response = who.post(path, data=fields, base_url=BASE)
        return self._count(f"POST {path} form={fields!r:.160}", response.status_code)

    def get(self, who: FlaskClient, path: str, query: dict[str, str]) -> int:
        response = who.get(path, query_string=query, base_url=BASE)
        return self._count(f"GET {path} {query!r:.120}", response.status_code)


def practice_fuzzer(app: Flask) -> Fuzzer:
    """A fuzzer aimed at the practice LMS's registration (call with the practice LMS registered)."""
    from lms_plugin.practice import urls
    from lms_plugin.practice.keys import platform_key

    with app.app_context():
        key = platform_key()
        return Fuzzer(
            app=app,
            issuer=urls.issuer(),
            client_id=urls.CLIENT_ID,
            deployment_id=urls.DEPLOYMENT_ID,
            private_pem=key.private_pem,
            kid=key.kid,
        )


def logged_in(app: Flask, user: Any, role: Role, context: Any) -> FlaskClient:
    client = app.test_client()
    client.environ_base["wsgi.url_scheme"] = "https"
    login(client, user, role, context)
    return client


# Forms a launched user can post, with the field names each reads (and random extra fields).
FORMS: dict[str, tuple[str, tuple[str, ...]]] = {
    "/language": ("trainee", ("lang", "next")),
    "/grading/assignments/{assignment_id}/draft": ("trainee", ("text", "remove", "action")),
    "/grading/assignments/{assignment_id}/submit": ("trainee", ("confirm", "version")),
    "/course/{module_id}/quiz": ("trainee", ("q1", "q2", "answer", "attempt")),
    "/certificate/check": ("trainee", ("course_id",)),
    "/grading/comments": ("trainer", ("text",)),
    "/grading/submissions/{anna_submission}/grade": (
        "trainer",
        ("version", "feedback", "outcome", "level-criterion", "comment-criterion"),
    ),
    "/grading/release": ("trainer", ("confirm", "ids")),
    "/progress/trainee/{anna}/complete": ("trainer", ("module_id", "reason")),
    "/certificates/{bela_cert}/revoke": ("coordinator", ("reason",)),
    "/coordination/helpers/new": (
        "coordinator",
        ("display_name", "school_id", "school_year", "birth_year", "consent_by", "start_date"),
    ),
    "/coordination/helpers/{helper}": ("coordinator", ("display_name", "school_year", "language")),
    "/coordination/mentors/{mentor}": (
        "coordinator",
        ("languages", "max_helpers", "min_helpers", "availability"),
    ),
    "/coordination/mentors/{mentor}/place": ("coordinator", ("school_id",)),
    "/coordination/programmes": ("coordinator", ("name", "year_ends_on")),
    "/coordination/match": ("coordinator", ("programme_id",)),
    "/admin/platforms": ("admin", ("issuer", "client_id", "name", "auth_login_url", "key_set_url")),
    "/admin/coordinators": ("admin", ("user_id", "query")),
    "/grading/submissions/{anna_submission}/allocate": ("trainer", ("marker_id",)),
    "/grading/submissions/{anna_submission}/reopen": ("trainer", ("version",)),
}

# Routes with an id in the path, and the visitor who may open them.
ID_ROUTES: tuple[tuple[str, str, str], ...] = (
    ("GET", "trainer", "/grading/submissions/{id}"),
    ("POST", "trainer", "/grading/submissions/{id}/grade"),
    ("GET", "trainee", "/grading/files/{id}"),
    ("POST", "coordinator", "/certificates/{id}/revoke"),
    ("GET", "coordinator", "/coordination/helpers/{id}"),
    ("GET", "coordinator", "/coordination/mentors/{id}"),
    ("GET", "trainer", "/progress/trainee/{id}"),
    ("POST", "trainer", "/grading/comments/{id}/delete"),
)
# Pages that read numbers from the query string, and who reads them.
INT_QUERIES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("coordinator", "/coordination/", ("centre", "programme")),
    ("coordinator", "/coordination/helpers", ("centre", "school", "page", "programme")),
    ("coordinator", "/coordination/mentors", ("school", "page")),
    ("coordinator", "/coordination/match", ("school", "programme")),
    ("coordinator", "/coordination/schools", ("centre", "programme")),
    ("coordinator", "/coordination/coverage.csv", ("centre",)),
    ("coordinator", "/certificates", ("centre", "school")),
    ("coordinator", "/certificates.csv", ("centre", "school")),
    ("trainer", "/grading/", ("page", "marker")),
)


def form_fields(names: tuple[str, ...]) -> st.SearchStrategy[dict[str, str]]:
    return st.dictionaries(st.one_of(st.sampled_from(names), nasty_text), nasty_text, max_size=6)


def fill(path: str, ids: dict[str, Any]) -> str:
    return path.format(**ids)


def keys_dir(app: Flask) -> Path:
    return Path(app.config["TOOL_KEYS_DIR"])
