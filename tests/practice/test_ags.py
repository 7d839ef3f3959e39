"""The tool's grades reach the practice gradebook through a real token and AGS score posts."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from flask.testing import FlaskClient
from pylti1p3.assignments_grades import AssignmentsGradesService
from pylti1p3.grade import Grade
from pylti1p3.lineitem import LineItem
from pylti1p3.service_connector import ServiceConnector

from lms_plugin.lti import keys
from tests.practice_platform import BASE, PracticeLms, run_launch

AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
SCORE_TYPE = "application/vnd.ims.lis.v1.score+json"
SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/"
TOKEN_URL = f"{BASE}/practice/token"


def _connector(practice_lms: PracticeLms) -> ServiceConnector:
    return practice_lms.service_connector()


def _grade(sub: str, given: float | None, progress: str, *, at: datetime | None = None) -> Grade:
    grade = (
        Grade()
        .set_user_id(sub)
        .set_activity_progress("Completed" if progress == "FullyGraded" else "Submitted")
        .set_grading_progress(progress)
        .set_timestamp((at or datetime.now(UTC)).isoformat())
    )
    if given is not None:
        grade.set_score_given(given).set_score_maximum(10)
    return grade


def test_scores_posted_with_pylti1p3_appear_in_the_gradebook(
    client: FlaskClient, practice_lms: PracticeLms
) -> None:
    anna = run_launch(client, "anna", target="module:programme")
    ags = AssignmentsGradesService(_connector(practice_lms), anna.claims[AGS])
    ags.put_grade(_grade("4", 8, "FullyGraded").set_comment("Szép munka"))
    ags.put_grade(_grade("5", 3, "PendingManual"))
    page = client.get(f"{BASE}/practice/gradebook").get_data(as_text=True)
    assert '<strong class="practice-grade">80.0</strong>' in page  # 8/10 on a 100-point column
    assert "Szép munka" in page
    assert "practice-pending" in page  # Szabó Péter's score is not a grade yet
    assert page.count('class="practice-grade"') == 1


def test_results_and_line_items_read_back_what_was_posted(
    client: FlaskClient, practice_lms: PracticeLms
) -> None:
    anna = run_launch(client, "anna", target="course")
    ags = AssignmentsGradesService(_connector(practice_lms), anna.claims[AGS])
    ags.put_grade(_grade("4", 5, "FullyGraded"))
    results = list(ags.get_grades(LineItem().set_id(anna.claims[AGS]["lineitem"])))
    assert results == [
        {
            "id": results[0]["id"],
            "scoreOf": anna.claims[AGS]["lineitem"],
            "userId": "4",
            "resultMaximum": 100.0,
            "resultScore": 50.0,
        }
    ]
    created = ags.find_or_create_lineitem(
        LineItem()
        .set_label("Kurzus haladás")
        .set_score_maximum(100)
        .set_resource_id("course:practice-extra")
        .set_tag("practice-extra")
    )
    again = ags.find_lineitem_by_resource_id("course:practice-extra")
    assert again is not None and again.get_id() == created.get_id()
    assert ags.find_lineitem_by_tag("no-such-tag") is None
    lineitems = list(ags.get_lineitems())
    assert len(lineitems) == 5  # the four graded seed activities and the new column


def _token(practice_lms: PracticeLms, *scopes: str) -> str:
    return _connector(practice_lms).get_access_token(list(scopes))


def _post_score(token: str, url: str, body: dict[str, Any], ctype: str = SCORE_TYPE) -> Any:
    base, _, query = url.partition("?")
    return requests.post(
        f"{base}/scores?{query}",
        json=body,
        headers={"Authorization": f"Bearer {token}", "Content-Type": ctype},
        timeout=5,
    )


def test_scores_follow_moodles_rules(client: FlaskClient, practice_lms: PracticeLms) -> None:
    url = run_launch(client, "anna", target="course").claims[AGS]["lineitem"]
    token = _token(practice_lms, SCOPE + "score")
    now = datetime.now(UTC)
    body = {
        "userId": "4",
        "scoreGiven": 1,
        "scoreMaximum": 1,
        "activityProgress": "Completed",
        "gradingProgress": "FullyGraded",
        "timestamp": now.isoformat(),
    }
    assert _post_score(token, url, body).status_code == 200
    assert _post_score(token, url, body).status_code == 409  # same timestamp
    older = {**body, "timestamp": (now - timedelta(seconds=1)).isoformat()}
    assert _post_score(token, url, older).status_code == 409
    assert _post_score(token, url, body, "application/json").status_code == 415
    assert _post_score("not-a-token", url, body).status_code == 401
    readonly = _token(practice_lms, SCOPE + "lineitem.readonly")
    assert _post_score(readonly, url, body).status_code == 403
    stranger = {**body, "userId": "999", "timestamp": (now + timedelta(seconds=1)).isoformat()}
    assert _post_score(token, url, stranger).status_code == 400
    no_zone = {**body, "timestamp": "2026-01-01T10:00:00"}
    answer = _post_score(token, url, no_zone)
    assert answer.status_code == 400 and "time zone" in answer.json()["reason"]
    teacher = {**body, "userId": "3", "timestamp": (now + timedelta(seconds=2)).isoformat()}
    assert _post_score(token, url, teacher).status_code == 200
    page = client.get(f"{BASE}/practice/gradebook").get_data(as_text=True)
    assert "practice-not-gradable" in page


def _assertion(practice_lms: PracticeLms, *, key_pem: str | None = None, **claims: Any) -> str:
    with practice_lms.app.app_context():
        tool_key = keys.active_key()
    now = int(time.time())
    body = {
        "iss": "practice-tool",
        "sub": "practice-tool",
        "aud": TOKEN_URL,
        "iat": now,
        "exp": now + 60,
        "jti": f"j-{now}",
        **claims,
    }
    return jwt.encode(
        body, key_pem or tool_key.private_pem, algorithm="RS256", headers={"kid": tool_key.kid}
    )


def _ask_token(assertion: str, **form: str) -> requests.Response:
    data = {
        "grant_type": "client_credentials",
        "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        "client_assertion": assertion,
        "scope": SCOPE + "score",
        **form,
    }
    return requests.post(TOKEN_URL, data=data, timeout=5)


def test_token_endpoint_answers_json_as_text_html_like_moodle(practice_lms: PracticeLms) -> None:
    answer = _ask_token(_assertion(practice_lms))
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith("text/html")
    body = answer.json()
    assert body["token_type"] == "bearer" and body["scope"] == SCOPE + "score"
    assert body["expires_in"] == 3600


def _stranger_key() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


@pytest.mark.parametrize(
    ("claims", "form", "status", "error"),
    [
        ({"key_pem": "stranger"}, {}, 401, "invalid_client"),
        ({"aud": "https://moodle.example/token"}, {}, 401, "invalid_client"),
        ({"iss": "another-tool"}, {}, 401, "invalid_client"),
        ({"sub": "another-tool"}, {}, 401, "invalid_client"),
        ({"exp": int(time.time()) - 3600}, {}, 401, "invalid_client"),
        ({}, {"grant_type": "password"}, 400, "unsupported_grant_type"),
        ({}, {"scope": "https://example.com/everything"}, 400, "invalid_scope"),
        ({}, {"client_assertion_type": "basic"}, 400, "invalid_request"),
    ],
)
def test_token_endpoint_rejects_what_it_cannot_trust(
    practice_lms: PracticeLms, claims: dict[str, Any], form: dict[str, str], status: int, error: str
) -> None:
    if claims.get("key_pem") == "stranger":
        claims = {"key_pem": _stranger_key()}
    answer = _ask_token(_assertion(practice_lms, **claims), **form)
    assert answer.status_code == status
    assert answer.json()["error"] == error
    assert "access_token" not in answer.json()
