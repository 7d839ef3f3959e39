"""Launches the tool must accept: real Moodle 4.4 payloads and the variations platforms send."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from lms_plugin.accounts.current import SESSION_KEY
from lms_plugin.accounts.models import LmsContext, Membership, ResourceLink, User
from lms_plugin.db import db
from tests.lti.launch_platform import DELETE, LTI, LaunchPlatform

LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"


def _session_role(tool: FlaskClient) -> str | None:
    with tool.session_transaction() as sess:
        launch = sess.get(SESSION_KEY)
        return launch["role"] if launch else None


def test_moodle_resource_link_launch_logs_the_learner_in(
    tool: FlaskClient, moodle: LaunchPlatform
) -> None:
    response = moodle.launch(tool)
    assert response.status_code == 200
    assert _session_role(tool) == "trainee"
    user = db.session.scalar(select(User).where(User.sub == "4"))
    assert user is not None and user.name == "Sam Student" and user.email == "student1@example.com"
    ctx = db.session.scalar(select(LmsContext).where(LmsContext.context_id == "2"))
    assert ctx is not None and ctx.title == "LTI Lab Course"
    assert ctx.memberships_url and ctx.memberships_url.endswith("/memberships")
    link = db.session.scalar(select(ResourceLink))
    assert (
        link is not None and link.lineitem_url and link.lineitem_url.endswith("lineitem?type_id=1")
    )
    membership = db.session.scalar(select(Membership))
    assert membership is not None and membership.role == "trainee" and membership.has_launched


def test_launch_lands_on_the_custom_target(tool: FlaskClient, moodle: LaunchPlatform) -> None:
    login = moodle.login(tool)
    body = moodle.claims(nonce=login.nonce, custom={"target": "grading"})
    response = moodle.post_launch(tool, moodle.sign(body), login.state)
    assert response.status_code == 302
    follow = tool.get(response.headers["Location"])
    assert follow.status_code == 302
    assert follow.headers["Location"] in (
        "/grading/",
        "/grading",
        "/",
    )  # grading, or home if absent


def test_login_by_post_works_like_moodle_sends_it(
    tool: FlaskClient, moodle: LaunchPlatform
) -> None:
    login = moodle.login(tool, method="POST")
    response = moodle.post_launch(tool, moodle.sign(moodle.claims(nonce=login.nonce)), login.state)
    assert response.status_code == 302


def test_several_roles_short_names_and_unknown_roles(
    tool: FlaskClient, moodle: LaunchPlatform
) -> None:
    roles = [
        "Learner",
        "http://purl.imsglobal.org/vocab/lis/v2/membership#Mentor",
        "urn:x:unknown",
        INSTRUCTOR,
    ]
    assert moodle.launch(tool, roles=roles).status_code == 200
    assert _session_role(tool) == "trainer"


def test_short_instructor_name_is_a_trainer(tool: FlaskClient, moodle: LaunchPlatform) -> None:
    assert moodle.launch(tool, roles=["Instructor"]).status_code == 200
    assert _session_role(tool) == "trainer"


def test_empty_roles_give_a_trainee(tool: FlaskClient, moodle: LaunchPlatform) -> None:
    assert moodle.launch(tool, roles=[]).status_code == 200
    assert _session_role(tool) == "trainee"


def test_no_name_no_email_no_context(tool: FlaskClient, moodle: LaunchPlatform) -> None:
    response = moodle.launch(
        tool, name=DELETE, given_name=DELETE, family_name=DELETE, email=DELETE, context=DELETE
    )
    assert response.status_code == 200
    user = db.session.scalar(select(User).where(User.sub == "4"))
    assert user is not None and user.name is None and user.email is None
    assert user.display_name == "#4"
    assert db.session.scalar(select(LmsContext)) is None


def test_aud_as_list_with_azp(tool: FlaskClient, moodle: LaunchPlatform) -> None:
    response = moodle.launch(tool, aud=["other-client", moodle.client_id], azp=moodle.client_id)
    assert response.status_code == 200
    assert _session_role(tool) == "trainee"


def test_deep_linking_request_opens_the_picker(tool: FlaskClient, moodle: LaunchPlatform) -> None:
    response = moodle.launch(tool, "deep_linking")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Add the tool to your Moodle course" in page or "Moodle" in page
    assert 'name="target" value="course"' in page


def test_several_client_ids_per_issuer(tool: FlaskClient, moodle: LaunchPlatform) -> None:
    second = LaunchPlatform(client_id="second-client", deployment_id="7")
    second.register()
    response = second.launch(tool)
    assert response.status_code == 200
    users = db.session.scalars(select(User).where(User.sub == "4")).all()
    assert len(users) == 1  # only the second registration launched
    assert LTI  # claims are namespaced as in Moodle


def test_platform_key_rotation_refetches_the_jwks_once(
    app: Flask, tool: FlaskClient, moodle: LaunchPlatform, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert moodle.launch(tool).status_code == 200
    assert moodle.launch(tool).status_code == 200
    assert moodle.jwks_requests == 1  # cached between launches
    moodle.rotate()
    monkeypatch.setitem(app.config, "LTI_JWKS_REFETCH_COOLDOWN", 0)
    assert moodle.launch(tool).status_code == 200  # unknown kid: fetched again, found
    assert moodle.jwks_requests == 2
    assert moodle.launch(tool).status_code == 200
    assert moodle.jwks_requests == 2


def test_unknown_kids_do_not_hammer_the_platform(tool: FlaskClient, moodle: LaunchPlatform) -> None:
    assert moodle.launch(tool).status_code == 200
    for _ in range(3):
        login = moodle.login(tool)
        token = moodle.sign(moodle.claims(nonce=login.nonce), headers={"kid": "bogus"})
        assert moodle.post_launch(tool, token, login.state).status_code == 400
    assert moodle.jwks_requests == 1  # within the cool-down the cached keyset answers
