"""Roles come only from the signed roles claim; sessions survive iframes (cookies, resume)."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from lms_plugin.accounts.current import SESSION_KEY
from lms_plugin.accounts.models import Role
from lms_plugin.db import db
from lms_plugin.lti import platforms
from lms_plugin.lti.roles import context_role, is_admin_role
from tests.lti.conftest import english
from tests.lti.launch_platform import LaunchPlatform

LIS = "http://purl.imsglobal.org/vocab/lis/v2/"


@pytest.mark.parametrize(
    ("roles", "expected"),
    [
        ([LIS + "membership#Learner"], Role.TRAINEE),
        (["Learner"], Role.TRAINEE),
        ([LIS + "membership#Instructor"], Role.TRAINER),
        ([LIS + "membership/Instructor#TeachingAssistant"], Role.TRAINER),
        (["TeachingAssistant"], Role.TRAINER),
        ([LIS + "membership#Learner", LIS + "membership#Instructor"], Role.TRAINER),
        ([LIS + "membership#Mentor"], None),
        (["urn:example:unknown"], None),
        ([], None),
    ],
)
def test_context_roles(roles: list[str], expected: Role | None) -> None:
    assert context_role(roles) == expected


def test_only_platform_administrators_are_admins() -> None:
    assert is_admin_role([LIS + "system/person#Administrator"])
    assert is_admin_role([LIS + "institution/person#Administrator"])
    assert not is_admin_role([LIS + "membership#Administrator"])  # a course role, not the site's
    assert not is_admin_role(["Administrator"])  # short names are context roles
    assert not is_admin_role([LIS + "membership#Instructor"])


def _role(tool: FlaskClient) -> str:
    with tool.session_transaction() as sess:
        return str(sess[SESSION_KEY]["role"])


def test_moodle_site_administrator_is_admin(tool: FlaskClient, moodle: LaunchPlatform) -> None:
    roles = [
        LIS + "institution/person#Administrator",
        LIS + "membership#Instructor",
        LIS + "system/person#Administrator",
    ]
    assert moodle.launch(tool, roles=roles).status_code == 200
    assert _role(tool) == "admin"


def test_custom_parameters_cannot_set_a_role(tool: FlaskClient, moodle: LaunchPlatform) -> None:
    custom = {
        "role": "admin",
        "roles": LIS + "system/person#Administrator",
        "is_coordinator": "1",
        "target": "home",
    }
    assert moodle.launch(tool, roles=[LIS + "membership#Learner"], custom=custom).status_code == 200
    assert _role(tool) == "trainee"


def test_granted_coordinator_launches_as_coordinator(
    tool: FlaskClient, moodle: LaunchPlatform
) -> None:
    platforms.set_coordinator(moodle.issuer, "4", True)  # before the first launch
    db.session.commit()
    assert moodle.launch(tool).status_code == 200
    assert _role(tool) == "coordinator"
    platforms.set_coordinator(moodle.issuer, "4", False)
    db.session.commit()
    assert moodle.launch(tool).status_code == 200
    assert _role(tool) == "trainee"


# --- cookies and headers in an iframe
def _set_cookies(response: object) -> list[str]:
    return list(response.headers.getlist("Set-Cookie"))  # type: ignore[attr-defined]


def test_https_cookies_are_samesite_none_secure_partitioned(
    tool: FlaskClient, moodle: LaunchPlatform
) -> None:
    login = tool.get(
        "/lti/login",
        query_string={
            "iss": moodle.issuer,
            "login_hint": "4",
            "client_id": moodle.client_id,
            "lti_deployment_id": "1",
            "lti1p3_new_window": "1",
        },
    )
    cookies = _set_cookies(login)
    assert any(c.startswith("lti1p3-state-") for c in cookies)
    assert any(c.startswith("lti1p3-session-id") for c in cookies)
    token = moodle.sign(moodle.claims(nonce=moodle_nonce(login.headers["Location"])))
    name = next(c.split("=")[0] for c in cookies if c.startswith("lti1p3-state-"))
    state = name.removeprefix("lti1p3-")
    launch = moodle.post_launch(tool, token, state)
    cookies += _set_cookies(launch)
    assert any(c.startswith("lms_session=") for c in cookies)
    for cookie in cookies:
        attrs = {a.strip().lower() for a in cookie.split(";")[1:]}
        assert {"secure", "samesite=none", "partitioned"} <= attrs, cookie


def moodle_nonce(location: str) -> str:
    from urllib.parse import parse_qs, urlsplit

    return parse_qs(urlsplit(location).query)["nonce"][0]


def test_proxy_fix_honours_x_forwarded_proto(
    app: Flask, moodle: LaunchPlatform, monkeypatch: pytest.MonkeyPatch
) -> None:
    from werkzeug.middleware.proxy_fix import ProxyFix

    # What create_app wires with TRUSTED_PROXIES=1 (the default 0 ignores X-Forwarded-*).
    proxied = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1, x_port=1)
    monkeypatch.setattr(app, "wsgi_app", proxied)
    plain = app.test_client()  # http to the app, https at the proxy
    response = plain.get(
        "/lti/login",
        base_url="http://tool.test",
        query_string={
            "iss": moodle.issuer,
            "login_hint": "4",
            "client_id": moodle.client_id,
            "lti1p3_new_window": "1",
        },
        headers={"X-Forwarded-Proto": "https"},
    )
    assert response.status_code == 302
    assert "redirect_uri=https%3A%2F%2Ftool.test%2Flti%2Flaunch" in response.headers["Location"]
    for cookie in _set_cookies(response):
        assert "Partitioned" in cookie and "SameSite=None" in cookie and "Secure" in cookie
    http_only = plain.get(
        "/lti/login",
        base_url="http://tool.test",
        query_string={
            "iss": moodle.issuer,
            "login_hint": "4",
            "client_id": moodle.client_id,
            "lti1p3_new_window": "1",
        },
    )
    assert "redirect_uri=http%3A%2F%2Ftool.test" in http_only.headers["Location"]
    for cookie in _set_cookies(http_only):
        assert "SameSite=Lax" in cookie and "Partitioned" not in cookie


def test_csp_frame_ancestors_lists_registered_platforms(
    app: Flask, tool: FlaskClient, moodle: LaunchPlatform
) -> None:
    csp = tool.get("/lti/register").headers["Content-Security-Policy"]
    assert "frame-ancestors 'self' https://moodle.test" in csp
    assert "https://school.example" not in csp
    platforms.add_platform(
        issuer="https://school.example",
        client_id="c",
        deployment_id="1",
        auth_url="https://school.example/mod/lti/auth.php",
        token_url="https://school.example/mod/lti/token.php",
        jwks_url="https://school.example/mod/lti/certs.php",
    )
    db.session.commit()
    csp = tool.get("/lti/register").headers["Content-Security-Policy"]
    assert "https://school.example" in csp  # the cache was forgotten on registration
    assert "script-src 'self'" in csp


def test_login_first_checks_cookies_with_a_static_script(
    tool: FlaskClient, moodle: LaunchPlatform
) -> None:
    response = tool.post(
        "/lti/login",
        data={
            "iss": moodle.issuer,
            "login_hint": "4",
            "client_id": moodle.client_id,
            "lti_deployment_id": "1",
            "lti_message_hint": "hint-1",
        },
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "/static/js/lti_cookie_check.js" in page
    assert "<script>" not in page  # CSP: no inline scripts
    assert 'target="_blank"' in page and "lti1p3_new_window=1" in page
    assert "lti_message_hint=hint-1" in page  # the new window repeats the same login
    assert "Open in a new window" in page


def test_refused_session_cookie_offers_a_new_window_that_resumes_the_launch(
    app: Flask, tool: FlaskClient, moodle: LaunchPlatform
) -> None:
    launch = moodle.launch(tool, follow=False, custom={"target": "home"})
    continue_url = launch.headers["Location"]
    assert continue_url.startswith("/lti/continue/")
    frame = app.test_client()  # the iframe's next request arrives without the refused cookie
    english(frame)
    page = frame.get(continue_url)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Open in a new window" in text
    resume_url = continue_url.replace("/lti/continue/", "/lti/resume/")
    assert f'href="{resume_url}"' in text
    window = app.test_client()
    english(window)
    # A top-level window keeps no cookie from inside Moodle: the tool asks before signing in.
    asked = window.get(resume_url)
    assert asked.status_code == 200 and "Continue as" in asked.get_data(as_text=True)
    opened = window.post(resume_url)
    assert opened.status_code == 302 and opened.headers["Location"] == "/"
    with window.session_transaction() as sess:
        assert sess[SESSION_KEY]["role"] == "trainee"
    again = app.test_client().get(resume_url)
    assert again.status_code == 400  # one use only


def test_accepted_session_cookie_goes_straight_on(
    tool: FlaskClient, moodle: LaunchPlatform
) -> None:
    launch = moodle.launch(tool, follow=False)
    continued = tool.get(launch.headers["Location"])
    assert continued.status_code == 302 and continued.headers["Location"] == "/"
    token = launch.headers["Location"].rsplit("/", 1)[-1]
    assert tool.get(f"/lti/resume/{token}").status_code == 400  # used up
