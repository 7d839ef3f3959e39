"""Pages shown without a launch follow the browser's Accept-Language; the public verification page
follows the language of the certificate its link was printed on."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from lms_plugin.accounts.models import Role
from lms_plugin.certification import rules, services
from lms_plugin.certification.models import Certificate
from lms_plugin.certification.rules import RuleStatus
from lms_plugin.certification.texts import certificate_text
from lms_plugin.db import db
from tests.conftest import Factory, login

HU_HOME = "Nyissa meg a Moodle-ból"
EN_HOME = "Open it from Moodle"


def home(client: FlaskClient, accept: str | None) -> tuple[str, str]:
    headers = {"Accept-Language": accept} if accept else {}
    response = client.get("/", headers=headers)
    assert response.status_code == 200
    return response.get_data(as_text=True), response.headers.get("Vary", "")


@pytest.mark.parametrize(
    ("accept", "lang", "text"),
    [
        ("en", "en", EN_HOME),
        ("en-GB,en;q=0.9", "en", EN_HOME),
        ("hu-HU,hu;q=0.9,en;q=0.8", "hu", HU_HOME),
        ("de-DE,de;q=0.9,en;q=0.5", "en", EN_HOME),  # the best language we offer
        ("de-DE", "hu", HU_HOME),  # nothing we offer: the programme default
        (None, "hu", HU_HOME),
    ],
)
def test_a_visitor_without_a_launch_gets_the_browsers_language(
    client: FlaskClient, accept: str | None, lang: str, text: str
) -> None:
    page, vary = home(client, accept)
    assert f'<html lang="{lang}">' in page
    assert text in page
    assert "Accept-Language" in vary  # caches must not serve one visitor's language to another


def test_the_visitors_own_switch_beats_the_browser(client: FlaskClient) -> None:
    client.post("/language", data={"lang": "hu", "next": "/"})
    page, _ = home(client, "en")
    assert '<html lang="hu">' in page


def test_a_launched_user_keeps_the_language_moodle_chose(
    client: FlaskClient, make: Factory
) -> None:
    ctx = make.context()
    user = make.user(ctx, Role.TRAINEE)
    db.session.commit()
    login(client, user, Role.TRAINEE, ctx)
    with client.session_transaction() as sess:
        sess["launch_locale"] = "hu"
    page, vary = home(client, "en")
    assert '<html lang="hu">' in page
    assert "Accept-Language" not in vary


def _all_met(*_args: object, **_kwargs: object) -> list[RuleStatus]:
    return [RuleStatus("modules", "All modules complete", True)]


@pytest.fixture
def certificate(make: Factory, monkeypatch: pytest.MonkeyPatch) -> Certificate:
    monkeypatch.setattr(rules, "initial_rules", _all_met)
    monkeypatch.setattr(services, "initial_rules", _all_met)
    ctx = make.context()
    user = make.user(ctx, Role.TRAINEE, name="Őrsi Orsolya")
    db.session.commit()
    cert = services.check_and_issue(user.id)
    assert cert is not None
    db.session.commit()
    return cert


def _path(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


@pytest.mark.parametrize(
    ("printed", "browser", "lang", "heading"),
    [
        ("en", "hu-HU,hu", "en", "Valid"),
        ("hu", "en", "hu", "Érvényes"),
    ],
)
def test_the_verification_page_opens_in_the_printed_certificates_language(
    app_ctx: Flask,
    client: FlaskClient,
    certificate: Certificate,
    printed: str,
    browser: str,
    lang: str,
    heading: str,
) -> None:
    link = certificate_text(certificate, printed).verify_url  # what the QR code holds
    response = client.get(_path(link), headers={"Accept-Language": browser})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'<html lang="{lang}">' in page
    assert heading in page


def test_a_typed_code_follows_the_browser_and_unknown_languages_are_ignored(
    app_ctx: Flask, client: FlaskClient, certificate: Certificate
) -> None:
    plain = client.get(f"/verify/{certificate.code}", headers={"Accept-Language": "en"})
    assert '<html lang="en">' in plain.get_data(as_text=True)
    odd = client.get(f"/verify/{certificate.code}?lang=xx", headers={"Accept-Language": "hu"})
    assert '<html lang="hu">' in odd.get_data(as_text=True)
    client.post("/language", data={"lang": "hu", "next": "/"})
    switched = client.get(f"/verify/{certificate.code}?lang=en")
    assert '<html lang="hu">' in switched.get_data(as_text=True)  # the reader's own choice wins
