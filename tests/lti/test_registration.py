"""LTI Dynamic Registration 1.0 against a Moodle-like platform, and its failures.

Registration is off by default; these tests switch it on for https://newschool.test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from lms_plugin.db import db
from lms_plugin.lti.http import EXTENSION, mount_adapter
from lms_plugin.lti.models import Platform
from tests.lti.launch_platform import TOOL, LaunchPlatform

TOOL_CONFIG = "https://purl.imsglobal.org/spec/lti-tool-configuration"


@pytest.fixture
def newcomer(app_ctx: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[LaunchPlatform]:
    """A platform that is not registered yet, allowed to register (pending approval)."""
    platform = LaunchPlatform(
        issuer="https://newschool.test", client_id="dyn-client", deployment_id="5"
    )
    monkeypatch.setitem(app_ctx.config, "LTI_DYNAMIC_REGISTRATION", True)
    monkeypatch.setitem(app_ctx.config, "LTI_REGISTRATION_ALLOWED_ORIGINS", [platform.issuer])
    mount_adapter(app_ctx, platform.issuer + "/", platform)
    yield platform
    app_ctx.extensions.get(EXTENSION, {}).pop(platform.issuer + "/", None)


def _register(tool: FlaskClient, platform: LaunchPlatform, token: str = "reg-token-1") -> object:
    return tool.get(
        "/lti/register",
        query_string={"openid_configuration": platform.openid_url, "registration_token": token},
    )


def test_dynamic_registration_registers_and_closes_the_dialog(
    tool: FlaskClient, newcomer: LaunchPlatform
) -> None:
    response = _register(tool, newcomer)
    assert response.status_code == 200  # type: ignore[attr-defined]
    page = response.get_data(as_text=True)  # type: ignore[attr-defined]
    assert "/static/js/lti_register_close.js" in page
    assert "Activate" in page  # Moodle keeps the tool pending until the admin activates it
    sent = newcomer.registrations[0]
    assert sent["headers"]["Authorization"] == "Bearer reg-token-1"
    body = sent["body"]
    assert body["application_type"] == "web"
    assert body["response_types"] == ["id_token"]
    assert body["grant_types"] == ["implicit", "client_credentials"]
    assert body["initiate_login_uri"] == f"{TOOL}/lti/login"
    assert body["redirect_uris"] == [f"{TOOL}/lti/launch"]
    assert body["jwks_uri"] == f"{TOOL}/lti/jwks"
    assert body["token_endpoint_auth_method"] == "private_key_jwt"
    assert body["logo_uri"].startswith(TOOL)
    scopes = set(body["scope"].split())
    assert {
        "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
        "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly",
        "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
        "https://purl.imsglobal.org/spec/lti-ags/scope/score",
        "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly",
    } == scopes
    config = body[TOOL_CONFIG]
    assert config["domain"] == "tool.test"
    assert config["target_link_uri"] == f"{TOOL}/lti/launch"
    assert set(config["claims"]) == {"iss", "sub", "name", "given_name", "family_name", "email"}
    types = {m["type"]: m for m in config["messages"]}
    assert set(types) == {"LtiResourceLinkRequest", "LtiDeepLinkingRequest"}
    assert types["LtiDeepLinkingRequest"]["placements"]
    platform = db.session.scalar(select(Platform).where(Platform.issuer == newcomer.issuer))
    assert platform is not None
    assert platform.client_id == "dyn-client" and platform.registered_via == "dynamic"
    assert platform.auth_login_url == newcomer.auth_url
    assert platform.auth_token_url == newcomer.token_url
    assert platform.key_set_url == newcomer.jwks_url
    assert [d.deployment_id for d in platform.deployments] == ["5"]
    assert platform.status == "pending" and not platform.is_active
    assert platform.product == "moodle 4.4" and platform.registration_url == newcomer.openid_url
    assert "pending" in page and "tool administrator" in page


def test_trusted_origin_registers_active_and_can_launch(
    app: Flask, tool: FlaskClient, newcomer: LaunchPlatform, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "LTI_REGISTRATION_TRUSTED_ORIGINS", [newcomer.issuer])
    _register(tool, newcomer)
    assert (
        "frame-ancestors 'self' https://newschool.test"
        in tool.get("/lti/register").headers["Content-Security-Policy"]
    )
    assert newcomer.launch(tool).status_code == 200


def test_registration_is_off_by_default(
    app: Flask, tool: FlaskClient, newcomer: LaunchPlatform, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "LTI_DYNAMIC_REGISTRATION", False)
    response = _register(tool, newcomer)
    assert response.status_code == 403  # type: ignore[attr-defined]
    assert "switched off" in response.get_data(as_text=True)  # type: ignore[attr-defined]
    assert newcomer.registrations == [] and db.session.scalar(select(Platform)) is None


def test_issuer_on_another_origin_is_refused(tool: FlaskClient, newcomer: LaunchPlatform) -> None:
    newcomer.openid_config = {**newcomer.openid_configuration(), "issuer": "https://elsewhere.test"}
    response = _register(tool, newcomer)
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert "not on the same site" in response.get_data(as_text=True)  # type: ignore[attr-defined]
    assert newcomer.registrations == []
    assert db.session.scalar(select(Platform)) is None


def test_unreachable_configuration_gives_a_clear_page(
    app: Flask, tool: FlaskClient, newcomer: LaunchPlatform, monkeypatch: pytest.MonkeyPatch
) -> None:
    newcomer.jwks_reachable = False
    monkeypatch.setitem(app.config, "LTI_REGISTRATION_ALLOWED_ORIGINS", ["https://127.0.0.1:1"])
    monkeypatch.setitem(app.config, "LTI_OUTBOUND_ALLOW_PRIVATE", True)
    response = tool.get(
        "/lti/register", query_string={"openid_configuration": "https://127.0.0.1:1/conf"}
    )
    assert response.status_code == 400
    assert "could not reach" in response.get_data(as_text=True)


def test_configuration_that_is_not_json(
    tool: FlaskClient, newcomer: LaunchPlatform, app: Flask
) -> None:
    response = tool.get(
        "/lti/register", query_string={"openid_configuration": newcomer.issuer + "/nothing-here"}
    )
    assert response.status_code == 400
    assert "answered HTTP 404" in response.get_data(as_text=True)


def test_platform_refusing_the_registration(tool: FlaskClient, newcomer: LaunchPlatform) -> None:
    newcomer.registration_status = 401
    newcomer.registration_answer = {"error": "<b>anything the platform says</b>"}
    response = _register(tool, newcomer)
    assert response.status_code == 400  # type: ignore[attr-defined]
    page = response.get_data(as_text=True)  # type: ignore[attr-defined]
    assert "refused the registration (HTTP 401)" in page
    assert "anything the platform says" not in page  # answers are never echoed
    assert db.session.scalar(select(Platform)) is None


def test_answer_without_deployment_id(tool: FlaskClient, newcomer: LaunchPlatform) -> None:
    newcomer.registration_answer = {"client_id": "x"}
    response = _register(tool, newcomer)
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert "no deployment_id" in response.get_data(as_text=True)  # type: ignore[attr-defined]


def test_allowed_origins_name_scheme_host_and_port(
    app: Flask, tool: FlaskClient, newcomer: LaunchPlatform, monkeypatch: pytest.MonkeyPatch
) -> None:
    for other in ("https://newschool.test:8443", "http://newschool.test", "https://school.test"):
        monkeypatch.setitem(app.config, "LTI_REGISTRATION_ALLOWED_ORIGINS", [other])
        response = _register(tool, newcomer)
        assert response.status_code == 400  # type: ignore[attr-defined]
        assert "not allowed" in response.get_data(as_text=True)  # type: ignore[attr-defined]
    assert newcomer.registrations == []


def test_deprecated_allowed_hosts_still_reads_as_https_origins(
    app: Flask, tool: FlaskClient, newcomer: LaunchPlatform, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "LTI_REGISTRATION_ALLOWED_ORIGINS", [])
    monkeypatch.setitem(app.config, "LTI_REGISTRATION_ALLOWED_HOSTS", ["newschool.test"])
    assert _register(tool, newcomer).status_code == 200  # type: ignore[attr-defined]
    monkeypatch.setitem(app.config, "LTI_REGISTRATION_ALLOWED_HOSTS", ["*"])  # no wildcard now
    newcomer.client_id = "dyn-client-2"
    assert _register(tool, newcomer).status_code == 400  # type: ignore[attr-defined]


def test_register_without_parameters_explains_what_to_do(
    tool: FlaskClient, newcomer: LaunchPlatform
) -> None:
    page = tool.get("/lti/register").get_data(as_text=True)
    assert "Add LTI Advantage" in page and f"{TOOL}/lti/register" in page


def test_register_help_says_when_it_is_off(app: Flask, tool: FlaskClient) -> None:
    page = tool.get("/lti/register").get_data(as_text=True)
    assert "switched off" in page and "Add LTI Advantage" not in page
