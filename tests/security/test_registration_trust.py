"""Issue 14 items 1-3: nobody registers their way in.

Dynamic registration is off unless configured; an allowed platform registers as a NEW, pending
platform that cannot log anyone in or frame the tool until a tool administrator activates it; a
deactivated platform stays deactivated; a registration never changes an existing issuer/client_id
and never takes a client_id another issuer uses.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from lms_plugin.accounts.models import Role
from lms_plugin.db import db
from lms_plugin.lti.http import EXTENSION, mount_adapter
from lms_plugin.lti.models import Platform
from tests.conftest import Factory, login
from tests.lti.conftest import english, moodle, tool  # noqa: F401 - fixtures
from tests.lti.launch_platform import LaunchPlatform

STRANGER = "https://stranger.test"


@pytest.fixture
def stranger(app_ctx: Flask) -> Iterator[LaunchPlatform]:
    """Someone on the internet who serves an openid-configuration and answers registrations."""
    platform = LaunchPlatform(issuer=STRANGER, client_id="stranger-client", deployment_id="9")
    mount_adapter(app_ctx, STRANGER + "/", platform)
    yield platform
    app_ctx.extensions.get(EXTENSION, {}).pop(STRANGER + "/", None)


@pytest.fixture
def allow_stranger(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    """The operator switched registration on and allowed the stranger's origin (not trusted)."""
    monkeypatch.setitem(app.config, "LTI_DYNAMIC_REGISTRATION", True)
    monkeypatch.setitem(app.config, "LTI_REGISTRATION_ALLOWED_ORIGINS", [STRANGER])


def _register(client: FlaskClient, platform: LaunchPlatform) -> Any:
    return client.get(
        "/lti/register",
        query_string={"openid_configuration": platform.openid_url, "registration_token": "t"},
    )


def _platform(issuer: str, client_id: str) -> Platform | None:
    db.session.expire_all()
    return db.session.scalar(
        select(Platform).where(Platform.issuer == issuer, Platform.client_id == client_id)
    )


def test_registration_is_off_by_default_and_calls_nobody(
    tool: FlaskClient,  # noqa: F811
    stranger: LaunchPlatform,
) -> None:
    response = _register(tool, stranger)
    assert response.status_code == 403
    assert stranger.registrations == []
    assert db.session.scalar(select(Platform)) is None


def test_a_registration_is_pending_and_logs_nobody_in_until_a_tool_admin_activates_it(
    app: Flask,
    tool: FlaskClient,  # noqa: F811
    stranger: LaunchPlatform,
    allow_stranger: None,
    make: Factory,
) -> None:
    assert _register(tool, stranger).status_code == 200
    platform = _platform(STRANGER, "stranger-client")
    assert platform is not None and platform.status == "pending"
    # No login (and so no launch with the Administrator role), no frame-ancestors entry.
    login_page = tool.get(
        "/lti/login",
        query_string={"iss": STRANGER, "login_hint": "1", "client_id": "stranger-client"},
    )
    assert login_page.status_code == 403 and "Location" not in login_page.headers
    assert STRANGER not in tool.get("/lti/register").headers["Content-Security-Policy"]
    # An administrator of another platform is not a tool administrator: cannot approve it.
    ctx = make.context()
    tenant_admin = make.user(ctx, Role.ADMIN)
    tool_admin = make.user(ctx, Role.ADMIN, is_tool_admin=True)
    db.session.commit()
    admin = app.test_client()
    english(admin)
    login(admin, tenant_admin, Role.ADMIN, ctx)
    admin.post(f"/admin/platforms/{platform.id}/active", data={"active": "1"})
    assert _platform(STRANGER, "stranger-client").status == "pending"  # type: ignore[union-attr]
    login(admin, tool_admin, Role.ADMIN, ctx)
    page = admin.get("/admin/platforms").get_data(as_text=True)
    assert "Waiting for approval" in page and "stranger-client" in page
    assert stranger.jwks_url in page and "moodle 4.4" in page  # what it claims to be
    admin.post(f"/admin/platforms/{platform.id}/active", data={"active": "1"})
    assert _platform(STRANGER, "stranger-client").status == "active"  # type: ignore[union-attr]
    assert stranger.launch(tool).status_code == 200


def test_a_deactivated_platform_stays_deactivated(
    app: Flask,
    tool: FlaskClient,  # noqa: F811
    stranger: LaunchPlatform,
    allow_stranger: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(app.config, "LTI_REGISTRATION_TRUSTED_ORIGINS", [STRANGER])
    assert _register(tool, stranger).status_code == 200
    platform = _platform(STRANGER, "stranger-client")
    assert platform is not None and platform.is_active  # trusted: active at once
    platform.is_active = False
    db.session.commit()
    again = _register(tool, stranger)
    assert again.status_code == 400
    assert _platform(STRANGER, "stranger-client").is_active is False  # type: ignore[union-attr]


def test_registration_never_modifies_an_existing_platform(
    app: Flask,
    tool: FlaskClient,  # noqa: F811
    moodle: LaunchPlatform,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The real Moodle's origin is allowed; a registration answering its client_id again (with
    its own key set) must not replace the stored key set or login URL."""
    monkeypatch.setitem(app.config, "LTI_DYNAMIC_REGISTRATION", True)
    monkeypatch.setitem(app.config, "LTI_REGISTRATION_ALLOWED_ORIGINS", [moodle.issuer])
    monkeypatch.setitem(app.config, "LTI_REGISTRATION_TRUSTED_ORIGINS", [moodle.issuer])
    moodle.openid_config = {
        **moodle.openid_configuration(),
        "jwks_uri": moodle.issuer + "/attacker/certs.php",
        "authorization_endpoint": moodle.issuer + "/attacker/auth.php",
    }
    response = _register(tool, moodle)
    assert response.status_code == 400
    platform = _platform(moodle.issuer, moodle.client_id)
    assert platform is not None
    assert platform.key_set_url == moodle.jwks_url and platform.auth_login_url == moodle.auth_url


def test_a_client_id_of_another_issuer_is_refused(
    tool: FlaskClient,  # noqa: F811
    moodle: LaunchPlatform,  # noqa: F811
    stranger: LaunchPlatform,
    allow_stranger: None,
) -> None:
    """Item 3: with the real Moodle's client_id the tool would sign assertions a stranger could
    replay at Moodle."""
    stranger.client_id = moodle.client_id
    response = _register(tool, stranger)
    assert response.status_code == 400
    assert "another platform" in response.get_data(as_text=True)
    assert _platform(STRANGER, moodle.client_id) is None
