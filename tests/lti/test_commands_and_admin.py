"""`flask lti …` commands and the admin pages for platforms and coordinators."""

from __future__ import annotations

import json

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from lms_plugin.accounts.models import Role, User
from lms_plugin.db import db
from lms_plugin.lti.models import Platform
from tests.conftest import login
from tests.lti.conftest import english
from tests.lti.launch_platform import LaunchPlatform

ADD = [
    "lti",
    "add-platform",
    "--issuer",
    "https://moodle.school.hu",
    "--client-id",
    "abc",
    "--deployment-id",
    "1",
    "--auth-url",
    "https://moodle.school.hu/mod/lti/auth.php",
    "--token-url",
    "https://moodle.school.hu/mod/lti/token.php",
    "--jwks-url",
    "https://moodle.school.hu/mod/lti/certs.php",
    "--name",
    "School Moodle",
]


def _with(args: list[str], option: str, value: str) -> list[str]:
    out = list(args)
    out[out.index(option) + 1] = value
    return out


def test_tool_config_prints_what_moodle_needs(app: Flask) -> None:
    result = app.test_cli_runner().invoke(
        args=["lti", "tool-config", "--base-url", "https://mentor.example.hu"]
    )
    assert result.exit_code == 0, result.output
    for url in (
        "/lti/login",
        "/lti/launch",
        "/lti/jwks",
        "/.well-known/jwks.json",
        "/lti/register",
    ):
        assert f"https://mentor.example.hu{url}" in result.output
    assert "https://purl.imsglobal.org/spec/lti-ags/scope/score" in result.output
    as_json = app.test_cli_runner().invoke(
        args=["lti", "tool-config", "--json", "--base-url", "https://m.hu"]
    )
    data = json.loads(as_json.output)
    assert data["redirection_uris"] == ["https://m.hu/lti/launch"]
    assert data["public_key_type"] == "Keyset URL"


def test_add_list_and_remove_platforms(app: Flask, app_ctx: Flask) -> None:
    runner = app.test_cli_runner()
    assert runner.invoke(args=ADD).exit_code == 0
    again = runner.invoke(args=_with(ADD, "--deployment-id", "2"))  # a second deployment
    assert again.exit_code == 0, again.output
    other = runner.invoke(args=_with(ADD, "--client-id", "def"))  # a second client_id, same issuer
    assert other.exit_code == 0
    listing = runner.invoke(args=["lti", "list-platforms"]).output
    assert "client_id=abc  deployments=1, 2" in listing
    assert "client_id=def  deployments=1" in listing
    bad = runner.invoke(args=_with(ADD, "--auth-url", "not-a-url"))
    assert bad.exit_code != 0 and "must be an http(s) URL" in bad.output
    removed = runner.invoke(
        args=[
            "lti",
            "remove-platform",
            "--issuer",
            "https://moodle.school.hu",
            "--client-id",
            "abc",
            "--deployment-id",
            "2",
        ]
    )
    assert removed.exit_code == 0
    gone = runner.invoke(
        args=[
            "lti",
            "remove-platform",
            "--issuer",
            "https://moodle.school.hu",
            "--client-id",
            "def",
            "--yes",
        ]
    )
    assert gone.exit_code == 0
    db.session.expire_all()
    rows = db.session.scalars(select(Platform)).all()
    assert [(p.client_id, [d.deployment_id for d in p.deployments]) for p in rows] == [
        ("abc", ["1"])
    ]
    missing = runner.invoke(
        args=["lti", "remove-platform", "--issuer", "https://x.hu", "--client-id", "n", "--yes"]
    )
    assert missing.exit_code != 0 and "No platform" in missing.output


def test_grant_and_revoke_coordinator_by_cli(app: Flask, app_ctx: Flask) -> None:
    runner = app.test_cli_runner()
    runner.invoke(args=ADD)
    granted = runner.invoke(
        args=["lti", "grant-coordinator", "--issuer", "https://moodle.school.hu", "--sub", "17"]
    )
    assert granted.exit_code == 0, granted.output
    user = db.session.scalar(select(User).where(User.sub == "17"))
    assert user is not None and user.is_coordinator
    revoked = runner.invoke(
        args=["lti", "revoke-coordinator", "--issuer", "https://moodle.school.hu", "--sub", "17"]
    )
    assert revoked.exit_code == 0
    db.session.expire_all()
    assert not db.session.get(User, user.id).is_coordinator  # type: ignore[union-attr]
    unknown = runner.invoke(
        args=["lti", "grant-coordinator", "--issuer", "https://nope.hu", "--sub", "1"]
    )
    assert unknown.exit_code != 0 and "No platform" in unknown.output


def test_rotate_key_command_publishes_both_keys(app: Flask, client: FlaskClient) -> None:
    before = {k["kid"] for k in client.get("/lti/jwks").get_json()["keys"]}
    result = app.test_cli_runner().invoke(args=["lti", "rotate-key"])
    assert result.exit_code == 0 and "stays in the JWKS" in result.output
    after = {k["kid"] for k in client.get("/lti/jwks").get_json()["keys"]}
    assert before < after and len(after - before) == 1


def test_admin_pages_need_the_moodle_administrator(client: FlaskClient, make: object) -> None:
    ctx = make.context()  # type: ignore[attr-defined]
    trainer = make.user(ctx, Role.TRAINER)  # type: ignore[attr-defined]
    db.session.commit()
    login(client, trainer, Role.TRAINER, ctx)
    assert client.get("/admin/platforms").status_code == 403
    assert client.get("/admin/coordinators").status_code == 403
    assert client.post("/admin/coordinators", data={"issuer": "x", "sub": "1"}).status_code == 403


def test_admin_registers_and_deactivates_a_platform(client: FlaskClient, make: object) -> None:
    ctx = make.context()  # type: ignore[attr-defined]
    # Registering another issuer (another tenant) takes a tool administrator.
    admin = make.user(ctx, Role.ADMIN, is_tool_admin=True)  # type: ignore[attr-defined]
    db.session.commit()
    login(client, admin, Role.ADMIN, ctx)
    english(client)
    form = {
        "name": "Second Moodle",
        "issuer": "https://second.example.hu",
        "client_id": "k1",
        "deployment_id": "3",
        "auth_url": "https://second.example.hu/mod/lti/auth.php",
        "token_url": "https://second.example.hu/mod/lti/token.php",
        "jwks_url": "https://second.example.hu/mod/lti/certs.php",
    }
    response = client.post("/admin/platforms", data=form, follow_redirects=True)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "https://second.example.hu" in page and "Registered" in page
    assert (
        "https://second.example.hu"
        in client.get("/admin/platforms").headers["Content-Security-Policy"]
    )
    platform = db.session.scalar(
        select(Platform).where(Platform.issuer == "https://second.example.hu")
    )
    assert platform is not None
    client.post(f"/admin/platforms/{platform.id}/active", data={"active": "0"})
    db.session.expire_all()
    assert not db.session.get(Platform, platform.id).is_active  # type: ignore[union-attr]
    assert (
        "https://second.example.hu"
        not in client.get("/admin/platforms").headers["Content-Security-Policy"]
    )
    own = client.post(
        f"/admin/platforms/{admin.platform_id}/active", data={"active": "0"}, follow_redirects=True
    )
    assert "cannot deactivate" in own.get_data(as_text=True)
    bad = client.post("/admin/platforms", data={**form, "jwks_url": "nope"})
    assert bad.status_code == 200 and "Invalid URL" in bad.get_data(as_text=True)


def test_admin_grants_and_revokes_coordinator_rights(client: FlaskClient, make: object) -> None:
    ctx = make.context()  # type: ignore[attr-defined]
    admin = make.user(ctx, Role.ADMIN)  # type: ignore[attr-defined]
    teacher = make.user(ctx, Role.TRAINEE, name="Tóth Eszter", email="eszter@example.hu")  # type: ignore[attr-defined]
    db.session.commit()
    login(client, admin, Role.ADMIN, ctx)
    english(client)
    found = client.get("/admin/coordinators?q=eszter").get_data(as_text=True)
    assert "Tóth Eszter" in found and "Make coordinator" in found
    client.post(f"/admin/coordinators/{teacher.id}", data={"grant": "1"})
    db.session.expire_all()
    assert db.session.get(User, teacher.id).is_coordinator  # type: ignore[union-attr]
    listed = client.get("/admin/coordinators").get_data(as_text=True)
    assert "Tóth Eszter" in listed and "Revoke" in listed
    asked = client.post(f"/admin/coordinators/{teacher.id}", data={"grant": "0"})
    assert "btn btn-danger" in asked.get_data(as_text=True)  # a confirmation step first
    db.session.expire_all()
    assert db.session.get(User, teacher.id).is_coordinator  # type: ignore[union-attr]
    client.post(f"/admin/coordinators/{teacher.id}", data={"grant": "0", "confirm": "1"})
    db.session.expire_all()
    assert not db.session.get(User, teacher.id).is_coordinator  # type: ignore[union-attr]
    platform = db.session.get(Platform, ctx.platform_id)
    assert platform is not None
    by_sub = client.post(
        "/admin/coordinators", data={"issuer": platform.issuer, "sub": "555"}, follow_redirects=True
    )
    assert "Coordinator rights granted" in by_sub.get_data(as_text=True)
    assert db.session.scalar(select(User).where(User.sub == "555", User.is_coordinator))


def test_admin_role_comes_from_a_site_administrator_launch(
    tool: FlaskClient, moodle: LaunchPlatform
) -> None:
    moodle.launch(
        tool, roles=["http://purl.imsglobal.org/vocab/lis/v2/system/person#Administrator"]
    )
    assert tool.get("/admin/platforms").status_code == 200
    assert "https://moodle.test" in tool.get("/admin/platforms").get_data(as_text=True)
