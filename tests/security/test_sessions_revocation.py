"""Issue 14 item 5: revoked rights end now; logout and revocation end sessions server-side."""

from __future__ import annotations

from flask import Flask

from lms_plugin.accounts.models import User
from lms_plugin.db import db
from lms_plugin.lti import platforms
from tests.security.world import World

BASE = "https://tool.test"


def test_an_admin_revoking_a_coordinator_ends_their_rights_on_the_next_request(
    app: Flask, world: World
) -> None:
    coordinator = world.client(app, "coordinator")
    assert coordinator.get("/coordination/helpers", base_url=BASE).status_code == 200
    admin = world.client(app, "admin")
    revoked = admin.post(
        f"/admin/coordinators/{world.ids['coord']}", data={"grant": "0", "confirm": "1"}
    )
    assert revoked.status_code == 302
    # The same browser, the same (still signed, still unexpired) cookie: the rights are gone.
    again = coordinator.get("/coordination/helpers", base_url=BASE)
    assert again.status_code in (401, 403)
    assert b"Peer helpers" not in again.data or again.status_code == 401


def test_rights_are_read_from_the_database_not_from_the_launch(app: Flask, world: World) -> None:
    """Even without ending the session, a coordinator session loses rights revoked in the DB."""
    coordinator = world.client(app, "coordinator")
    assert coordinator.get("/coordination/", base_url=BASE).status_code == 200
    user = db.session.get(User, world.ids["coord"])
    assert user is not None
    platforms.revoke_coordinator_from(user)
    db.session.commit()
    assert coordinator.get("/coordination/", base_url=BASE).status_code == 403
    assert coordinator.get("/certificates.csv", base_url=BASE).status_code == 403


def test_logout_ends_the_session_for_copies_of_the_cookie_too(app: Flask, world: World) -> None:
    browser = world.client(app, "trainer")
    assert browser.get("/grading/", base_url=BASE).status_code == 200
    stolen = browser.get_cookie("lms_session", domain="tool.test")
    assert stolen is not None
    copy = app.test_client()
    copy.set_cookie("lms_session", stolen.value, domain="tool.test")
    assert copy.get("/grading/", base_url=BASE).status_code == 200
    assert browser.post("/logout", base_url=BASE).status_code == 302
    assert browser.get("/grading/", base_url=BASE).status_code == 401
    # The copy still holds a validly signed, unexpired cookie: the server refuses it anyway.
    assert copy.get("/grading/", base_url=BASE).status_code == 401


def test_the_navigation_offers_a_sign_out_button(app: Flask, world: World) -> None:
    page = world.client(app, "trainee").get("/", base_url=BASE).get_data(as_text=True)
    assert 'action="/logout"' in page


def test_revoking_a_tool_administrator_on_the_command_line_ends_their_sessions(
    app: Flask, world: World
) -> None:
    browser = world.client(app, "tool_admin")
    assert browser.get("/admin/coordinators", base_url=BASE).status_code == 200
    result = app.test_cli_runner().invoke(
        args=[
            "accounts",
            "revoke-tool-admin",
            "--issuer",
            "https://moodle.other.test",
            "--sub",
            str(world.users["tool_admin"].sub),
        ]
    )
    assert result.exit_code == 0, result.output
    assert browser.get("/admin/coordinators", base_url=BASE).status_code == 401
