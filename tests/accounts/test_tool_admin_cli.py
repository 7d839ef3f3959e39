"""`flask accounts grant-tool-admin|revoke-tool-admin`: who manages every tenant."""

from __future__ import annotations

from flask import Flask

from lms_plugin.accounts.models import User
from lms_plugin.db import db
from tests.conftest import Factory


def test_grant_and_revoke_tool_admin(app: Flask, make: Factory) -> None:
    ctx = make.context()
    user = make.user(ctx, name="Horváth Zsuzsa")
    db.session.commit()
    runner = app.test_cli_runner()
    args = ["--issuer", "https://moodle.test", "--sub", user.sub]
    granted = runner.invoke(args=["accounts", "grant-tool-admin", *args])
    assert granted.exit_code == 0 and "is now a tool administrator" in granted.output
    listed = runner.invoke(args=["accounts", "list-tool-admins"])
    assert user.sub in listed.output
    revoked = runner.invoke(args=["accounts", "revoke-tool-admin", *args])
    assert revoked.exit_code == 0
    db.session.expire_all()
    again = db.session.get(User, user.id)
    assert again is not None and not again.is_tool_admin and again.session_version == 1
    unknown = runner.invoke(args=["accounts", "grant-tool-admin", "--issuer", "x", "--sub", "1"])
    assert unknown.exit_code != 0 and "Nobody" in unknown.output
