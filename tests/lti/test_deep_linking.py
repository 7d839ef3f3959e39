"""Deep Linking: the instructor's picker and the signed LtiDeepLinkingResponse posted back."""

from __future__ import annotations

import re
from html import unescape
from typing import Any
from urllib.parse import urlencode

import jwt
from flask.testing import FlaskClient
from jwt import PyJWKSet

from lms_plugin.lti import keys
from tests.lti.launch_platform import TOOL, LaunchPlatform

DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"
LTI = "https://purl.imsglobal.org/spec/lti/claim/"
INSTRUCTOR = ["http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"]


def _return_form(page: str) -> tuple[str, str]:
    action = re.search(r'<form method="post" action="([^"]+)" id="lti-deep-link-return"', page)
    token = re.search(r'name="JWT" value="([^"]+)"', page)
    assert action and token, page[:2000]
    return unescape(action.group(1)), token.group(1)


def _verify(tool: FlaskClient, token: str, moodle: LaunchPlatform) -> dict[str, Any]:
    """Verify as Moodle does: with the tool's published JWKS, aud = Moodle's issuer."""
    header = jwt.get_unverified_header(token)
    jwks = PyJWKSet.from_dict(tool.get("/lti/jwks").get_json())
    key = next(k for k in jwks.keys if k.key_id == header["kid"])
    body: dict[str, Any] = jwt.decode(token, key.key, algorithms=["RS256"], audience=moodle.issuer)
    return body


def test_picker_lists_course_modules_and_areas(tool: FlaskClient, moodle: LaunchPlatform) -> None:
    page = moodle.launch(tool, "deep_linking").get_data(as_text=True)
    targets = re.findall(r'name="target" value="([^"]+)"', page)
    assert targets[0] == "course"
    assert "module:programme" in targets
    assert {"grading", "coordination", "cohort"} <= set(targets)
    assert 'name="csrf_token"' in page


def test_chosen_items_come_back_signed_with_line_items(
    tool: FlaskClient, moodle: LaunchPlatform
) -> None:
    moodle_settings = moodle.claims("deep_linking")[DL + "deep_linking_settings"]
    settings = {**moodle_settings, "data": "opaque-moodle-data"}
    moodle.launch(tool, "deep_linking", **{DL + "deep_linking_settings": settings})
    response = tool.post(
        "/lti/deep-link",
        data={"target": ["course", "module:role-ethics", "module:programme", "grading"]},
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "/static/js/lti_autosubmit.js" in page and "<noscript>" in page
    action, token = _return_form(page)
    assert action == settings["deep_link_return_url"]
    assert jwt.get_unverified_header(token)["kid"] == keys.active_key().kid
    body = _verify(tool, token, moodle)
    assert body["iss"] == moodle.client_id
    assert body["aud"] == moodle.issuer
    assert body["nonce"] and body["exp"] > body["iat"]
    assert body[LTI + "message_type"] == "LtiDeepLinkingResponse"
    assert body[LTI + "version"] == "1.3.0"
    assert body[LTI + "deployment_id"] == moodle.deployment_id
    assert body[DL + "data"] == "opaque-moodle-data"
    items = {i["custom"]["target"]: i for i in body[DL + "content_items"]}
    assert set(items) == {"course", "module:role-ethics", "module:programme", "grading"}
    for item in items.values():
        assert item["type"] == "ltiResourceLink"
        # The item's URL names its target: Moodle keeps it as the activity's tool URL and sends
        # it back as target_link_uri, which no tool-level custom parameter can override.
        target = item["custom"]["target"]
        assert item["url"] == f"{TOOL}/lti/launch?" + urlencode({"target": target})
    assert items["course"]["lineItem"]["resourceId"] == "course:mentor-30h"
    assert items["course"]["lineItem"]["scoreMaximum"] == 100
    assignment = items["module:role-ethics"]["lineItem"]
    assert assignment["resourceId"] == "module:role-ethics" and assignment["tag"] == "assignment"
    assert assignment["scoreMaximum"] == 20
    assert items["module:programme"]["lineItem"]["tag"] == "quiz"
    assert "lineItem" not in items["grading"]
    # The request is answered once: a second post has nothing to answer.
    again = tool.post("/lti/deep-link", data={"target": ["course"]})
    assert again.status_code == 400


def test_one_item_only_when_moodle_does_not_accept_multiple(
    tool: FlaskClient, moodle: LaunchPlatform
) -> None:
    settings = {
        **moodle.claims("deep_linking")[DL + "deep_linking_settings"],
        "accept_multiple": False,
    }
    moodle.launch(tool, "deep_linking", **{DL + "deep_linking_settings": settings})
    refused = tool.post("/lti/deep-link", data={"target": ["course", "grading"]})
    assert refused.status_code == 400
    assert "only one item" in refused.get_data(as_text=True)
    nothing = tool.post("/lti/deep-link", data={})
    assert nothing.status_code == 400 and "at least one" in nothing.get_data(as_text=True)
    assert tool.post("/lti/deep-link", data={"target": ["grading"]}).status_code == 200


def test_learners_cannot_use_the_picker(tool: FlaskClient, moodle: LaunchPlatform) -> None:
    moodle.launch(
        tool, "deep_linking", roles=["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"]
    )
    assert tool.get("/lti/deep-link").status_code == 403


def test_picker_without_a_launch_asks_to_open_from_moodle(tool: FlaskClient) -> None:
    assert tool.get("/lti/deep-link").status_code == 401


def test_rotated_key_signs_new_responses_and_old_key_stays_published(
    tool: FlaskClient, moodle: LaunchPlatform
) -> None:
    old = keys.active_key().kid
    new, previous = keys.rotate()
    assert previous == old
    kids = {k["kid"] for k in tool.get("/.well-known/jwks.json").get_json()["keys"]}
    assert {old, new} <= kids
    moodle.launch(tool, "deep_linking")
    _action, token = _return_form(
        tool.post("/lti/deep-link", data={"target": "course"}).get_data(as_text=True)
    )
    assert jwt.get_unverified_header(token)["kid"] == new
    assert _verify(tool, token, moodle)["iss"] == moodle.client_id
