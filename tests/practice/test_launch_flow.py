"""A person picks a user on the practice LMS and lands, logged in, in the tool: the real flow."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlencode

import jwt
import pytest
from flask.testing import FlaskClient

from lms_plugin.accounts.current import SESSION_KEY
from tests.practice_platform import (
    BASE,
    PracticeLms,
    in_english,
    launch_as,
    parse_page,
    run_launch,
)

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "moodle"


def _session_launch(client: FlaskClient) -> dict[str, object]:
    with client.session_transaction() as sess:
        data = sess.get(SESSION_KEY)
    assert isinstance(data, dict), "the tool did not start a session"
    return data


def test_trainee_lands_logged_in_on_the_tools_home(
    client: FlaskClient, practice_lms: PracticeLms
) -> None:
    trace = run_launch(client, "anna", target="home", locale="en")
    assert trace.response.status_code == 200
    assert trace.response.request.path == "/"
    assert "Kovács Anna" in trace.response.get_data(as_text=True)
    assert _session_launch(client)["role"] == "trainee"
    paths = [step[1] for step in trace.steps]
    assert any("/lti/login" in p for p in paths) and any("/practice/auth" in p for p in paths)


def test_id_token_is_signed_by_the_platform_key_and_shaped_like_moodle(
    client: FlaskClient, practice_lms: PracticeLms
) -> None:
    trace = run_launch(client, "peter", target="module:programme", locale="en")
    header = jwt.get_unverified_header(trace.id_token)
    jwks = client.get(f"{BASE}/practice/jwks").get_json()
    assert header["alg"] == "RS256" and header["kid"] == jwks["keys"][0]["kid"]
    key = jwt.PyJWK(jwks["keys"][0]).key
    claims = jwt.decode(
        trace.id_token, key, algorithms=["RS256"], audience="practice-tool", leeway=60
    )
    assert claims["iss"] == practice_lms.issuer == "https://tool.test/practice"
    assert claims["exp"] - claims["iat"] == 60
    assert "azp" not in claims
    moodle = json.loads((FIXTURES / "id_token_resource_link.json").read_text())["payload"]
    missing = (
        set(moodle) - set(claims) - {"https://purl.imsglobal.org/spec/lti-bo/claim/basicoutcome"}
    )
    assert missing == set()
    assert claims[LTI + "context"]["type"] == ["CourseSection"]
    assert claims[LTI + "custom"]["target"] == "module:programme"
    assert (
        claims[LTI + "custom"]["context_memberships_url"] == claims[NRPS]["context_memberships_url"]
    )
    assert claims[LTI + "launch_presentation"]["locale"] == "en"
    assert claims[LTI + "launch_presentation"]["document_target"] == "iframe"
    assert claims[LTI + "tool_platform"]["product_family_code"] == "moodle"
    assert claims[LTI + "target_link_uri"] == "https://tool.test/lti/launch"
    assert claims[AGS]["lineitems"].endswith("/lineitems?type_id=1")
    assert claims[AGS]["lineitem"].endswith("/lineitem?type_id=1")
    assert set(claims[AGS]["scope"]) == set(moodle[AGS]["scope"])
    assert claims[NRPS]["context_memberships_url"].endswith("/practice/contexts/2/memberships")
    assert claims["sub"] == "5" and claims["name"] == "Szabó Péter"
    assert _session_launch(client)["target"] == "module:programme"


@pytest.mark.parametrize(
    ("who", "role", "lti_roles"),
    [
        ("eva", "trainer", ["http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"]),
        ("gabor", "trainee", ["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"]),
        (
            "zsuzsa",
            "admin",
            [
                "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator",
                "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor",
            ],
        ),
    ],
)
def test_roles_arrive_as_moodle_sends_them(
    client: FlaskClient, practice_lms: PracticeLms, who: str, role: str, lti_roles: list[str]
) -> None:
    trace = run_launch(client, who, target="home")
    assert trace.claims[LTI + "roles"] == lti_roles
    assert trace.response.status_code == 200
    assert _session_launch(client)["role"] == role


def test_the_launch_language_is_the_tools_language(
    client: FlaskClient, practice_lms: PracticeLms
) -> None:
    english = launch_as(client, "anna", target="home", locale="en")
    assert '<html lang="en">' in english.get_data(as_text=True)
    hungarian = launch_as(client, "anna", target="home", locale="hu")
    assert '<html lang="hu">' in hungarian.get_data(as_text=True)


def test_the_practice_course_page_explains_itself(
    client: FlaskClient, practice_lms: PracticeLms
) -> None:
    in_english(client)
    page = client.get(f"{BASE}/practice/").get_data(as_text=True)
    for name in ("Kovács Anna", "Szabó Péter", "Nagy Éva", "Tóth Gábor", "Horváth Zsuzsa"):
        assert name in page
    assert "practice LMS" in page and "Deep linking (add activity)" in page
    assert "<script>" not in page


def _auth_params(client: FlaskClient, who: str = "anna") -> dict[str, str]:
    """The OIDC request the tool sends to /practice/auth, captured from a real login."""
    link = client.application.test_client()  # a separate browser
    player = link.get(f"{BASE}/practice/launch", query_string={"who": who, "link": "1"})
    start = parse_page(player.get_data(as_text=True)).iframe_src
    assert start
    form = parse_page(link.get(BASE + start).get_data(as_text=True)).form_to("/lti/login")
    answer = link.get(f"{BASE}/lti/login", query_string={**form.fields, "lti1p3_new_window": "1"})
    assert answer.status_code == 302, answer.get_data(as_text=True)
    from urllib.parse import parse_qsl, urlsplit

    return dict(parse_qsl(urlsplit(answer.headers["Location"]).query))


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"redirect_uri": "https://tool.test/lti/launch?x=1"}, "redirect_uri"),
        ({"redirect_uri": "https://evil.test/lti/launch"}, "redirect_uri"),
        ({"client_id": "someone-else"}, "client_id"),
        ({"nonce": ""}, "nonce"),
        ({"login_hint": "5"}, "login_hint"),
        ({"lti_message_hint": "forged"}, "invalid or expired"),
        ({"response_type": "code"}, "response_type"),
    ],
)
def test_auth_refuses_requests_a_moodle_would_refuse(
    client: FlaskClient, practice_lms: PracticeLms, change: dict[str, str], reason: str
) -> None:
    params = {**_auth_params(client), **change}
    answer = client.get(f"{BASE}/practice/auth?{urlencode(params)}")
    assert answer.status_code == 400
    page = answer.get_data(as_text=True)
    assert reason in page and 'name="id_token"' not in page


def test_only_trainers_may_start_deep_linking(
    client: FlaskClient, practice_lms: PracticeLms
) -> None:
    answer = client.get(
        f"{BASE}/practice/launch", query_string={"who": "anna", "mode": "deep_link"}
    )
    assert answer.status_code == 400
    assert "only a trainer" in answer.get_data(as_text=True)
    unknown = client.get(f"{BASE}/practice/launch", query_string={"who": "nobody", "link": "1"})
    assert unknown.status_code == 400
