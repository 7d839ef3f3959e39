"""A trainer adds activities through deep linking; the signed answer becomes launchable links."""

from __future__ import annotations

import time
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from flask.testing import FlaskClient
from sqlalchemy import select

from lms_plugin.db import db
from lms_plugin.lti import keys
from lms_plugin.practice.models import PracticeLineItem, PracticeResourceLink
from tests.practice_platform import BASE, PracticeLms, in_english, parse_page, run_launch

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"
AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"


def _links(practice_lms: PracticeLms) -> list[PracticeResourceLink]:
    with practice_lms.app.app_context():
        rows = db.session.scalars(
            select(PracticeResourceLink).where(PracticeResourceLink.created_via == "deep_link")
        ).all()
        for row in rows:
            _ = row.line_items
        return list(rows)


def test_trainer_picks_activities_in_the_tool_and_they_appear_in_the_course(
    client: FlaskClient, practice_lms: PracticeLms
) -> None:
    trace = run_launch(client, "eva", deep_link=True, locale="en")
    settings = trace.claims[DL + "deep_linking_settings"]
    assert trace.claims[LTI + "message_type"] == "LtiDeepLinkingRequest"
    assert settings["deep_link_return_url"] == "https://tool.test/practice/deep-link-return"
    assert settings["accept_types"] == ["ltiResourceLink"] and settings["accept_multiple"] is True
    assert settings["data"]
    assert LTI + "resource_link" not in trace.claims
    picker = parse_page(trace.response.get_data(as_text=True)).form_to("/lti/deep")
    answer = client.post(BASE + picker.action, data={"target": ["module:programme", "grading"]})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    back = parse_page(answer.get_data(as_text=True)).form_to("/practice/deep-link-return")
    done = client.post(back.action, data=back.fields)
    assert done.status_code == 200, done.get_data(as_text=True)
    page = done.get_data(as_text=True)
    assert "Activities added" in page
    added = _links(practice_lms)
    assert sorted(link.target for link in added) == ["grading", "module:programme"]
    graded = next(link for link in added if link.target == "module:programme")
    course_page = client.get(f"{BASE}/practice/").get_data(as_text=True)
    assert graded.title in course_page and "added by deep linking" in course_page
    # The new activity launches with its own id, target and gradebook column.
    launched = run_launch(client, "anna", link=graded.id)
    assert launched.response.status_code == 200
    assert launched.claims[LTI + "resource_link"]["id"] == str(graded.id)
    assert launched.claims[LTI + "custom"]["target"] == "module:programme"
    # Like Moodle, the activity's own URL (with its target) comes back as target_link_uri, and
    # the activity opens its module.
    link_uri = launched.claims[LTI + "target_link_uri"]
    assert link_uri.endswith("/lti/launch?target=module%3Aprogramme")
    assert launched.response.request.path.endswith("/course/programme/")
    if graded.line_items:
        item = graded.line_items[0]
        assert launched.claims[AGS]["lineitem"].endswith(f"/lineitems/{item.id}/lineitem?type_id=1")


def _response(practice_lms: PracticeLms, settings: dict[str, Any], **changes: Any) -> str:
    """A deep-linking response as the tool signs it, with `changes` applied to the claims."""
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": "practice-tool",
        "aud": practice_lms.issuer,
        "iat": now,
        "exp": now + 300,
        "nonce": "n-1",
        LTI + "message_type": "LtiDeepLinkingResponse",
        LTI + "version": "1.3.0",
        LTI + "deployment_id": "1",
        DL + "data": settings["data"],
        DL + "content_items": [
            {
                "type": "ltiResourceLink",
                "title": "Esetmegbeszélés",
                "url": "https://tool.test/lti/launch",
                "custom": {"target": "module:supervision"},
                "lineItem": {"label": "Esetmegbeszélés", "scoreMaximum": 20, "tag": "quiz"},
            }
        ],
    }
    key_pem = changes.pop("key_pem", None)
    claims.update(changes)
    claims = {k: v for k, v in claims.items() if v is not None}
    with practice_lms.app.app_context():
        tool_key = keys.active_key()
    return jwt.encode(
        claims, key_pem or tool_key.private_pem, algorithm="RS256", headers={"kid": tool_key.kid}
    )


def test_a_valid_signed_response_adds_a_link_with_its_line_item(
    client: FlaskClient, practice_lms: PracticeLms
) -> None:
    settings = run_launch(client, "zsuzsa", deep_link=True).claims[DL + "deep_linking_settings"]
    done = client.post(
        f"{BASE}/practice/deep-link-return", data={"JWT": _response(practice_lms, settings)}
    )
    assert done.status_code == 200, done.get_data(as_text=True)
    [link] = _links(practice_lms)
    assert link.title == "Esetmegbeszélés" and link.target == "module:supervision"
    with practice_lms.app.app_context():
        item = db.session.scalar(
            select(PracticeLineItem).where(PracticeLineItem.resource_link_pk == link.id)
        )
        assert item is not None and item.score_maximum == 20 and item.tag == "quiz"


def _other_key() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"key_pem": "other"}, "Signature verification failed"),
        ({"aud": "https://moodle.example"}, "Audience"),
        ({"iss": "someone"}, "client_id"),
        ({"exp": None}, "exp"),
        ({LTI + "message_type": "LtiResourceLinkRequest"}, "Deep Linking Response"),
        ({DL + "data": "tampered"}, "data claim"),
        ({LTI + "deployment_id": "9"}, "deployment_id"),
        (
            {DL + "content_items": [{"type": "ltiResourceLink", "url": "https://evil.test/x"}]},
            "not on the tool",
        ),
        ({DL + "content_items": [{"type": "html", "html": "<b>x</b>"}]}, "not supported"),
    ],
)
def test_a_bad_response_adds_nothing_and_says_why(
    client: FlaskClient, practice_lms: PracticeLms, changes: dict[str, Any], reason: str
) -> None:
    settings = run_launch(client, "eva", deep_link=True).claims[DL + "deep_linking_settings"]
    if changes.get("key_pem") == "other":
        changes["key_pem"] = _other_key()
    token = _response(practice_lms, settings, **changes)
    answer = client.post(f"{BASE}/practice/deep-link-return", data={"JWT": token})
    assert answer.status_code == 400
    assert reason in answer.get_data(as_text=True)
    assert _links(practice_lms) == []


def test_a_return_without_jwt_is_a_clear_error(
    client: FlaskClient, practice_lms: PracticeLms
) -> None:
    in_english(client)
    answer = client.post(f"{BASE}/practice/deep-link-return", data={})
    assert answer.status_code == 400
    assert "no JWT" in answer.get_data(as_text=True)
