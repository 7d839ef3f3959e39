"""One negative test per LTI Core 1.3 / Security Framework rule: a 4xx page a person understands,
a log line with the reason, and nobody signed in."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator

import jwt
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from lms_plugin.accounts.current import SESSION_KEY
from lms_plugin.accounts.models import User
from lms_plugin.db import db
from tests.lti.conftest import english
from tests.lti.launch_platform import DELETE, TOOL, LaunchPlatform, rsa_pem

ADVICE = {
    "unknown_platform": "not registered with the tool",
    "unknown_deployment": "deployment",
    "expired": "clock",
    "replay": "can be used only once",
    "cookies": "cookie",
    "keys": "public keys",
    "invalid": "could not accept",
}


@pytest.fixture
def lti_log(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """The lms_plugin logger does not propagate (JSON logs); listen to it directly."""
    logger = logging.getLogger("lms_plugin.lti")
    logger.disabled = False  # alembic's fileConfig (the test database upgrade) disables loggers
    logger.addHandler(caplog.handler)
    caplog.set_level(logging.INFO, logger="lms_plugin.lti")
    yield caplog
    logger.removeHandler(caplog.handler)


def assert_rejected(
    response: object,
    log: pytest.LogCaptureFixture,
    reason: str,
    *,
    kind: str = "invalid",
    status: int = 400,
    tool: FlaskClient | None = None,
    users: int = 0,
) -> None:
    """The person sees advice for `kind`; the log has the reason; nobody is signed in."""
    assert response.status_code == status  # type: ignore[attr-defined]
    page = response.get_data(as_text=True)  # type: ignore[attr-defined]
    assert "The tool could not be opened" in page
    assert ADVICE[kind] in page
    assert "Traceback" not in page
    reasons = [getattr(r, "data", {}).get("reason", "") for r in log.records]
    assert any(reason in r for r in reasons), reasons
    assert any(getattr(r, "data", {}).get("kind") == kind for r in log.records)
    assert db.session.scalar(select(func.count()).select_from(User)) == users
    if tool is not None:
        with tool.session_transaction() as sess:
            assert SESSION_KEY not in sess


def launch_with(
    moodle: LaunchPlatform, tool: FlaskClient, kind: str = "resource_link", **changes: object
) -> object:
    login = moodle.login(tool)
    token = moodle.sign(moodle.claims(kind, nonce=login.nonce, **changes))
    return moodle.post_launch(tool, token, login.state)


# --- state and nonce: bound to the browser, used once
def test_state_from_another_browser_is_rejected(
    app: Flask, tool: FlaskClient, moodle: LaunchPlatform, lti_log: pytest.LogCaptureFixture
) -> None:
    login = moodle.login(tool)
    other = app.test_client()
    english(other)
    token = moodle.sign(moodle.claims(nonce=login.nonce))
    response = moodle.post_launch(other, token, login.state)
    assert_rejected(response, lti_log, "", kind="cookies", tool=other)


def test_wrong_state_is_rejected(
    tool: FlaskClient, moodle: LaunchPlatform, lti_log: pytest.LogCaptureFixture
) -> None:
    login = moodle.login(tool)
    token = moodle.sign(moodle.claims(nonce=login.nonce))
    response = moodle.post_launch(tool, token, "state-forged")
    assert_rejected(response, lti_log, "state not bound", kind="cookies", tool=tool)


def test_missing_nonce_is_rejected(
    tool: FlaskClient, moodle: LaunchPlatform, lti_log: pytest.LogCaptureFixture
) -> None:
    login = moodle.login(tool)
    body = moodle.claims(nonce=login.nonce)
    del body["nonce"]
    response = moodle.post_launch(tool, moodle.sign(body), login.state)
    assert_rejected(response, lti_log, "nonce missing", tool=tool)


def test_nonce_not_issued_by_our_login_is_rejected(
    tool: FlaskClient, moodle: LaunchPlatform, lti_log: pytest.LogCaptureFixture
) -> None:
    login = moodle.login(tool)
    response = moodle.post_launch(
        tool, moodle.sign(moodle.claims(nonce="made-up-nonce")), login.state
    )
    assert_rejected(response, lti_log, "not issued by our login", kind="replay", tool=tool)


def test_replayed_id_token_is_rejected(
    tool: FlaskClient, moodle: LaunchPlatform, lti_log: pytest.LogCaptureFixture
) -> None:
    login = moodle.login(tool)
    token = moodle.sign(moodle.claims(nonce=login.nonce))
    assert moodle.post_launch(tool, token, login.state).status_code == 302
    response = moodle.post_launch(tool, token, login.state)
    assert_rejected(response, lti_log, "nonce already used", kind="replay", users=1)


# --- the JWT header: RS256 only, kid present and known
def test_alg_none_is_rejected(
    tool: FlaskClient, moodle: LaunchPlatform, lti_log: pytest.LogCaptureFixture
) -> None:
    login = moodle.login(tool)
    token = jwt.encode(
        moodle.claims(nonce=login.nonce), None, algorithm="none", headers={"kid": moodle.kid}
    )
    response = moodle.post_launch(tool, token, login.state)
    assert_rejected(response, lti_log, "algorithm 'none' not allowed", tool=tool)


def test_hs256_is_rejected(
    tool: FlaskClient, moodle: LaunchPlatform, lti_log: pytest.LogCaptureFixture
) -> None:
    login = moodle.login(tool)
    token = jwt.encode(
        moodle.claims(nonce=login.nonce),
        "a-shared-secret-of-32-bytes-long!",
        algorithm="HS256",
        headers={"kid": moodle.kid},
    )
    response = moodle.post_launch(tool, token, login.state)
    assert_rejected(response, lti_log, "algorithm 'HS256' not allowed", tool=tool)


def test_missing_kid_is_rejected(
    tool: FlaskClient, moodle: LaunchPlatform, lti_log: pytest.LogCaptureFixture
) -> None:
    login = moodle.login(tool)
    token = moodle.sign(moodle.claims(nonce=login.nonce), headers={"kid": DELETE})
    response = moodle.post_launch(tool, token, login.state)
    assert_rejected(response, lti_log, "no kid", kind="keys", tool=tool)


def test_unknown_kid_refetches_the_jwks_once_then_rejects(
    tool: FlaskClient, moodle: LaunchPlatform, lti_log: pytest.LogCaptureFixture
) -> None:
    login = moodle.login(tool)
    token = moodle.sign(moodle.claims(nonce=login.nonce), headers={"kid": "never-published"})
    response = moodle.post_launch(tool, token, login.state)
    assert_rejected(
        response, lti_log, "no platform key with kid 'never-published'", kind="keys", tool=tool
    )
    assert moodle.jwks_requests == 1


def test_signature_by_another_key_is_rejected(
    tool: FlaskClient, moodle: LaunchPlatform, lti_log: pytest.LogCaptureFixture
) -> None:
    login = moodle.login(tool)
    token = moodle.sign(moodle.claims(nonce=login.nonce), key_pem=rsa_pem("attacker"))
    response = moodle.post_launch(tool, token, login.state)
    assert_rejected(response, lti_log, "Signature verification failed", tool=tool)


def test_unreachable_jwks_is_rejected(
    tool: FlaskClient, moodle: LaunchPlatform, lti_log: pytest.LogCaptureFixture
) -> None:
    moodle.jwks_reachable = False
    response = launch_with(moodle, tool)
    assert_rejected(response, lti_log, "platform JWKS unreachable", kind="keys", tool=tool)


# --- issuer, audience, authorised party
def test_issuer_must_match_exactly(
    tool: FlaskClient, moodle: LaunchPlatform, lti_log: pytest.LogCaptureFixture
) -> None:
    response = launch_with(moodle, tool, iss=moodle.issuer + "/")
    assert_rejected(
        response, lti_log, "no active registration", kind="unknown_platform", status=403, tool=tool
    )


def test_aud_without_our_client_id_is_rejected(
    tool: FlaskClient, moodle: LaunchPlatform, lti_log: pytest.LogCaptureFixture
) -> None:
    response = launch_with(moodle, tool, aud="someone-else")
    assert_rejected(
        response, lti_log, "no active registration", kind="unknown_platform", status=403, tool=tool
    )


def test_several_audiences_without_azp_are_rejected(
    tool: FlaskClient, moodle: LaunchPlatform, lti_log: pytest.LogCaptureFixture
) -> None:
    response = launch_with(moodle, tool, aud=[moodle.client_id, "other-client"])
    assert_rejected(response, lti_log, "azp is not our client_id", tool=tool)


def test_wrong_azp_is_rejected(
    tool: FlaskClient, moodle: LaunchPlatform, lti_log: pytest.LogCaptureFixture
) -> None:
    response = launch_with(moodle, tool, aud=[moodle.client_id, "other-client"], azp="other-client")
    assert_rejected(
        response, lti_log, "no active registration", kind="unknown_platform", status=403, tool=tool
    )


# --- time: exp and iat required, checked with JWT_LEEWAY_SECONDS of skew
def test_missing_exp_is_rejected(
    tool: FlaskClient, moodle: LaunchPlatform, lti_log: pytest.LogCaptureFixture
) -> None:
    response = launch_with(moodle, tool, exp=DELETE)
    assert_rejected(response, lti_log, '"exp"', tool=tool)


def test_missing_iat_is_rejected(
    tool: FlaskClient, moodle: LaunchPlatform, lti_log: pytest.LogCaptureFixture
) -> None:
    response = launch_with(moodle, tool, iat=DELETE)
    assert_rejected(response, lti_log, '"iat"', tool=tool)


def test_expired_token_beyond_leeway_is_rejected(
    app: Flask, tool: FlaskClient, moodle: LaunchPlatform, lti_log: pytest.LogCaptureFixture
) -> None:
    leeway = app.config["JWT_LEEWAY_SECONDS"]
    now = int(time.time())
    response = launch_with(moodle, tool, iat=now - 120, exp=now - leeway - 3)
    assert_rejected(response, lti_log, "expired", kind="expired", tool=tool)


def test_expired_token_within_leeway_is_accepted(
    app: Flask, tool: FlaskClient, moodle: LaunchPlatform
) -> None:
    now = int(time.time())
    response = launch_with(moodle, tool, iat=now - 62, exp=now - 2)
    assert response.status_code == 302  # type: ignore[attr-defined]


def test_token_issued_in_the_future_is_rejected(
    app: Flask, tool: FlaskClient, moodle: LaunchPlatform, lti_log: pytest.LogCaptureFixture
) -> None:
    now = int(time.time())
    response = launch_with(moodle, tool, iat=now + 120, exp=now + 180)
    assert_rejected(response, lti_log, "time invalid", kind="expired", tool=tool)


# --- deployment
def test_unregistered_deployment_is_rejected(
    tool: FlaskClient, moodle: LaunchPlatform, lti_log: pytest.LogCaptureFixture
) -> None:
    login = moodle.login(tool, lti_deployment_id="1")
    token = moodle.sign(moodle.claims(nonce=login.nonce, deployment_id="99"))
    response = moodle.post_launch(tool, token, login.state)
    assert_rejected(
        response,
        lti_log,
        "differs from lti_deployment_id",
        kind="unknown_deployment",
        status=403,
        tool=tool,
    )


def test_unregistered_deployment_without_login_hint_is_rejected(
    tool: FlaskClient, moodle: LaunchPlatform, lti_log: pytest.LogCaptureFixture
) -> None:
    login = moodle.login(tool, lti_deployment_id="")
    token = moodle.sign(moodle.claims(nonce=login.nonce, deployment_id="99"))
    response = moodle.post_launch(tool, token, login.state)
    assert_rejected(
        response, lti_log, "not recognised", kind="unknown_deployment", status=403, tool=tool
    )


def test_deployment_must_equal_the_logins(
    tool: FlaskClient, moodle: LaunchPlatform, lti_log: pytest.LogCaptureFixture
) -> None:
    moodle.register(deployment_id="2")  # both deployments are registered
    login = moodle.login(tool, lti_deployment_id="2")
    token = moodle.sign(moodle.claims(nonce=login.nonce, deployment_id="1"))
    response = moodle.post_launch(tool, token, login.state)
    assert_rejected(
        response,
        lti_log,
        "differs from lti_deployment_id",
        kind="unknown_deployment",
        status=403,
        tool=tool,
    )


# --- message claims
def test_wrong_version_is_rejected(
    tool: FlaskClient, moodle: LaunchPlatform, lti_log: pytest.LogCaptureFixture
) -> None:
    response = launch_with(moodle, tool, version="1.1")
    assert_rejected(response, lti_log, "is not 1.3.0", tool=tool)


def test_unsupported_message_type_is_rejected(
    tool: FlaskClient, moodle: LaunchPlatform, lti_log: pytest.LogCaptureFixture
) -> None:
    response = launch_with(moodle, tool, message_type="LtiSubmissionReviewRequest")
    assert_rejected(response, lti_log, "unsupported message_type", tool=tool)


def test_missing_target_link_uri_is_rejected(
    tool: FlaskClient, moodle: LaunchPlatform, lti_log: pytest.LogCaptureFixture
) -> None:
    response = launch_with(moodle, tool, target_link_uri=DELETE)
    assert_rejected(response, lti_log, "target_link_uri missing", tool=tool)


def test_missing_resource_link_id_is_rejected(
    tool: FlaskClient, moodle: LaunchPlatform, lti_log: pytest.LogCaptureFixture
) -> None:
    response = launch_with(moodle, tool, resource_link={"title": "No id"})
    assert_rejected(response, lti_log, "resource_link.id missing", tool=tool)


def test_missing_roles_claim_is_rejected(
    tool: FlaskClient, moodle: LaunchPlatform, lti_log: pytest.LogCaptureFixture
) -> None:
    response = launch_with(moodle, tool, roles=DELETE)
    assert_rejected(response, lti_log, "roles claim missing", tool=tool)


def test_sub_longer_than_255_is_rejected(
    tool: FlaskClient, moodle: LaunchPlatform, lti_log: pytest.LogCaptureFixture
) -> None:
    response = launch_with(moodle, tool, sub="9" * 256)
    assert_rejected(response, lti_log, "longer than 255", tool=tool)


def test_missing_sub_is_rejected(
    tool: FlaskClient, moodle: LaunchPlatform, lti_log: pytest.LogCaptureFixture
) -> None:
    response = launch_with(moodle, tool, sub=DELETE)
    assert_rejected(response, lti_log, '"sub"', tool=tool)


def test_deep_linking_without_return_url_is_rejected(
    tool: FlaskClient, moodle: LaunchPlatform, lti_log: pytest.LogCaptureFixture
) -> None:
    response = launch_with(
        moodle,
        tool,
        "deep_linking",
        **{
            "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings": {
                "accept_types": ["ltiResourceLink"]
            }
        },
    )
    assert_rejected(response, lti_log, "deep_link_return_url missing", tool=tool)


def test_launch_without_id_token_is_rejected(
    tool: FlaskClient, moodle: LaunchPlatform, lti_log: pytest.LogCaptureFixture
) -> None:
    login = moodle.login(tool)
    response = tool.post("/lti/launch", data={"state": login.state})
    assert response.status_code == 400
    assert "The tool could not be opened" in response.get_data(as_text=True)


def test_garbage_id_token_is_rejected(
    tool: FlaskClient, moodle: LaunchPlatform, lti_log: pytest.LogCaptureFixture
) -> None:
    login = moodle.login(tool)
    response = moodle.post_launch(tool, "not.a.jwt", login.state)
    assert_rejected(response, lti_log, "", tool=tool)


# --- login initiation: unknown registrations get the page with the values to register
@pytest.mark.parametrize(
    ("params", "kind"),
    [
        ({"iss": "https://unknown.example"}, "unknown_platform"),
        ({"client_id": "not-registered"}, "unknown_platform"),
        ({"lti_deployment_id": "42"}, "unknown_deployment"),
    ],
)
def test_login_from_unknown_registration_shows_what_to_register(
    tool: FlaskClient,
    moodle: LaunchPlatform,
    lti_log: pytest.LogCaptureFixture,
    params: dict[str, str],
    kind: str,
) -> None:
    query = {
        "iss": moodle.issuer,
        "login_hint": "4",
        "client_id": moodle.client_id,
        "lti_deployment_id": "1",
        "target_link_uri": f"{TOOL}/lti/launch",
    }
    query.update(params)
    response = tool.get("/lti/login", query_string=query)
    assert_rejected(response, lti_log, "unknown", kind=kind, status=403)
    page = response.get_data(as_text=True)
    assert "ask your Moodle administrator" in page
    for value in params.values():
        assert value in page
    assert f"{TOOL}/lti/login" in page and f"{TOOL}/lti/jwks" in page


def test_login_for_another_sites_target_is_rejected(
    tool: FlaskClient, moodle: LaunchPlatform, lti_log: pytest.LogCaptureFixture
) -> None:
    response = tool.get(
        "/lti/login",
        query_string={
            "iss": moodle.issuer,
            "login_hint": "4",
            "client_id": moodle.client_id,
            "target_link_uri": "https://evil.example/lti/launch",
        },
    )
    assert_rejected(response, lti_log, "is not on this tool")


def test_login_without_login_hint_is_rejected(
    tool: FlaskClient, moodle: LaunchPlatform, lti_log: pytest.LogCaptureFixture
) -> None:
    response = tool.get(
        "/lti/login", query_string={"iss": moodle.issuer, "client_id": moodle.client_id}
    )
    assert_rejected(response, lti_log, "without iss or login_hint")


def test_deactivated_platform_cannot_launch(
    tool: FlaskClient, moodle: LaunchPlatform, lti_log: pytest.LogCaptureFixture
) -> None:
    from lms_plugin.lti import platforms

    platforms.set_active(platforms.get_platform(moodle.issuer, moodle.client_id), False)
    db.session.commit()
    response = tool.get(
        "/lti/login",
        query_string={"iss": moodle.issuer, "login_hint": "4", "client_id": moodle.client_id},
    )
    assert_rejected(response, lti_log, "unknown issuer", kind="unknown_platform", status=403)
