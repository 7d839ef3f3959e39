"""Certificates: issued once, PDF with accents and a QR that verifies, OB 3.0, lifecycle."""

from __future__ import annotations

import dataclasses
import io
import threading
from datetime import timedelta
from pathlib import Path

import jwt
import openpyxl
import pytest
import zxingcpp
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import func, select

from lms_plugin.accounts.models import Role
from lms_plugin.certification import rules, services
from lms_plugin.certification.models import Certificate
from lms_plugin.certification.rules import RuleStatus
from lms_plugin.db import db, utcnow
from lms_plugin.lti import keys
from tests.accounts.scoping import grant_a_programme
from tests.conftest import Factory, login

HOLDER = "Őrsi Űrsula Erzsébet"


def _all_met(*_args: object, **_kwargs: object) -> list[RuleStatus]:
    return [RuleStatus("modules", "All modules complete", True)]


@pytest.fixture
def rules_met(monkeypatch: pytest.MonkeyPatch) -> None:
    """The progress rules are tested in tests/progress; here every rule is met."""
    monkeypatch.setattr(rules, "initial_rules", _all_met)
    monkeypatch.setattr(services, "initial_rules", _all_met)


@pytest.fixture
def holder(make: Factory):  # type: ignore[no-untyped-def]
    ctx = make.context()
    user = make.user(ctx, Role.TRAINEE, name=HOLDER)
    db.session.commit()
    return user, ctx


def test_issued_once_and_idempotent(app_ctx: Flask, holder, rules_met) -> None:  # type: ignore[no-untyped-def]
    user, _ = holder
    first = services.check_and_issue(user.id)
    db.session.commit()
    assert first is not None and services.certificate_state(first) == "valid"
    assert services.check_and_issue(user.id) is None
    assert db.session.scalar(select(func.count(Certificate.id))) == 1
    assert first.expires_at.year == first.valid_from.year + 3


def test_concurrent_completion_events_issue_exactly_once(app: Flask, holder, rules_met) -> None:  # type: ignore[no-untyped-def]
    user, _ = holder
    user_id = user.id
    db.session.remove()
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def complete() -> None:
        try:
            with app.app_context():
                barrier.wait()
                services.check_and_issue(user_id)
                db.session.commit()
                db.session.remove()
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=complete) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with app.app_context():
        count = db.session.scalar(
            select(func.count(Certificate.id)).where(Certificate.user_id == user_id)
        )
    assert count == 1
    # losers either saw the winner's row or hit the unique constraint; none may have added a second
    assert all(
        "UNIQUE" in str(e).upper() or "unique" in str(e) or "locked" in str(e) for e in errors
    )


def _issue(user_id: int) -> Certificate:
    cert = services.check_and_issue(user_id)
    assert cert is not None
    db.session.commit()
    return cert


def test_pdf_has_accented_name_code_and_qr_to_verification(
    app_ctx: Flask,
    client: FlaskClient,
    holder,
    rules_met,  # type: ignore[no-untyped-def]
) -> None:
    user, ctx = holder
    cert = _issue(user.id)
    login(client, user, Role.TRAINEE, ctx)
    for lang, heading in (("hu", "Mentor"), ("en", "Mentor Certificate")):
        response = client.get(f"/certificate/{cert.id}.pdf?lang={lang}")
        assert response.status_code == 200
        assert response.mimetype == "application/pdf"
        assert "attachment" in response.headers["Content-Disposition"]
        reader = PdfReader(io.BytesIO(response.data))
        text = reader.pages[0].extract_text()
        assert HOLDER in text  # ő and ű survive
        assert cert.code in text
        assert heading in text
        images = reader.pages[0].images
        assert images, "the QR code image is embedded"
        decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(images[0].data)))
        url = decoded[0].text
        assert url.endswith(f"/verify/{cert.code}?lang={lang}")  # the paper's language
        path = url.split("://", 1)[1].split("/", 1)[1]
        page = client.get("/" + path)
        assert page.status_code == 200
        assert HOLDER in page.get_data(as_text=True)


def test_verification_states_and_unknown_code(
    app_ctx: Flask,
    client: FlaskClient,
    holder,
    make: Factory,
    rules_met,  # type: ignore[no-untyped-def]
) -> None:
    user, _ctx = holder
    with client.session_transaction() as sess:
        sess["lang"] = "en"
    cert = _issue(user.id)
    assert "Valid" in client.get(
        f"/verify/{cert.code}", headers={"Accept-Language": "en"}
    ).get_data(as_text=True)
    lower = cert.code.lower().replace("-", " ")
    assert client.get(f"/verify?code={lower}").status_code == 302
    unknown = client.get("/verify/AAAAA-BBBBB-CCCCC-DDDDD", headers={"Accept-Language": "en"})
    assert unknown.status_code == 404
    assert "no certificate" in unknown.get_data(as_text=True)
    cert.expires_at = utcnow() - timedelta(days=1)
    db.session.commit()
    assert "Expired" in client.get(
        f"/verify/{cert.code}", headers={"Accept-Language": "en"}
    ).get_data(as_text=True)
    coordinator = make.user(None, Role.COORDINATOR, is_coordinator=True)
    services.revoke(cert, coordinator, "Misconduct found by the review board")
    db.session.commit()
    body = client.get(f"/verify/{cert.code}", headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )
    assert "Revoked" in body and "Misconduct found by the review board" not in body  # internal
    assert user.email is None or user.email not in body


def test_codes_are_not_enumerable() -> None:
    codes = {services.new_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(len(c) == 23 for c in codes)


def test_open_badge_signature_and_required_fields(
    app_ctx: Flask,
    client: FlaskClient,
    holder,
    rules_met,  # type: ignore[no-untyped-def]
) -> None:
    user, ctx = holder
    cert = _issue(user.id)
    login(client, user, Role.TRAINEE, ctx)
    token = client.get(f"/certificate/{cert.id}/badge.jwt").get_data(as_text=True)
    header = jwt.get_unverified_header(token)
    assert header["alg"] == "RS256"
    kid_url = header["kid"]
    jwk = client.get("/" + kid_url.split("://", 1)[1].split("/", 1)[1]).get_json()
    assert jwk in client.get("/.well-known/jwks.json").get_json()["keys"]
    public = jwt.PyJWK(jwk).key
    claims = jwt.decode(token, public, algorithms=["RS256"], options={"verify_aud": False})
    assert claims["@context"][0] == "https://www.w3.org/ns/credentials/v2"
    assert "https://purl.imsglobal.org/spec/ob/v3p0/context" in claims["@context"][1]
    assert set(claims["type"]) == {"VerifiableCredential", "OpenBadgeCredential"}
    assert claims["issuer"]["type"] == ["Profile"] and claims["issuer"]["id"] == claims["iss"]
    assert claims["credentialSubject"]["type"] == ["AchievementSubject"]
    achievement = claims["credentialSubject"]["achievement"]
    assert achievement["type"] == ["Achievement"] and achievement["criteria"]["narrative"]
    assert claims["validFrom"] and claims["name"] and claims["id"] == claims["jti"]
    assert claims["nbf"] == int(cert.valid_from.timestamp())
    head, body, sig = token.split(".")
    import json

    forged = json.loads(jwt.utils.base64url_decode(body))
    forged["credentialSubject"]["name"] = "Mallory Mallet"
    tampered_body = jwt.utils.base64url_encode(json.dumps(forged).encode()).decode()
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(
            f"{head}.{tampered_body}.{sig}",
            public,
            algorithms=["RS256"],
            options={"verify_aud": False},
        )


def test_badge_still_verifies_after_key_rotation(
    app_ctx: Flask,
    client: FlaskClient,
    holder,
    rules_met,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    user, ctx = holder
    cert = _issue(user.id)
    login(client, user, Role.TRAINEE, ctx)
    token = client.get(f"/certificate/{cert.id}/badge.jwt").get_data(as_text=True)
    old_kid = jwt.get_unverified_header(token)["kid"].rsplit("/", 1)[1]
    keys.rotate()
    published = {k["kid"] for k in client.get("/.well-known/jwks.json").get_json()["keys"]}
    assert old_kid in published and len(published) == 2


def test_renewal_after_refresher_keeps_history(
    app_ctx: Flask, holder, rules_met, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    user, _ = holder
    first = _issue(user.id)
    first.expires_at = utcnow() + timedelta(days=30)  # inside the renewal window
    db.session.commit()
    monkeypatch.setattr(
        services, "refresher_rules", lambda *a: [RuleStatus("refresher", "r", False)]
    )
    assert services.check_and_issue(user.id) is None
    monkeypatch.setattr(
        services, "refresher_rules", lambda *a: [RuleStatus("refresher", "r", True)]
    )
    second = services.check_and_issue(user.id)
    db.session.commit()
    assert second is not None and second.period_no == 2 and second.renewal_of_id == first.id
    assert second.code != first.code
    assert (
        second.expires_at.year == first.expires_at.year + 3
    )  # early renewal keeps remaining validity
    assert [c.period_no for c in services.certificate_history(user.id)] == [2, 1]
    assert services.valid_certificate(user.id).id in (first.id, second.id)


def test_revoked_certificate_is_not_reissued(
    app_ctx: Flask, holder, make: Factory, rules_met
) -> None:  # type: ignore[no-untyped-def]
    user, _ = holder
    cert = _issue(user.id)
    services.revoke(cert, make.user(None, Role.COORDINATOR), "Left the programme")
    db.session.commit()
    assert services.check_and_issue(user.id) is None
    assert services.valid_certificate(user.id) is None


def test_register_csv_zip_and_authorisation(
    app_ctx: Flask,
    client: FlaskClient,
    holder,
    make: Factory,
    rules_met,  # type: ignore[no-untyped-def]
) -> None:
    user, ctx = holder
    cert = _issue(user.id)
    login(client, user, Role.TRAINEE, ctx)
    assert client.get("/certificates").status_code == 403
    assert client.get("/certificates.csv").status_code == 403
    other = make.user(ctx, Role.TRAINEE)
    login(client, other, Role.TRAINEE, ctx)
    assert client.get(f"/certificate/{cert.id}.pdf").status_code == 404
    coordinator = make.user(None, Role.COORDINATOR, is_coordinator=True)
    grant_a_programme(coordinator)  # tenants: a coordinator reads only within a granted scope
    db.session.commit()
    login(client, coordinator, Role.COORDINATOR, lang="hu")
    csv_text = client.get("/certificates.csv").get_data(as_text=True)
    assert csv_text.startswith("\ufeffTanúsítványszám;") and cert.code in csv_text
    assert HOLDER in csv_text and ";érvényes;" in csv_text  # the state as a word, not a code
    book = client.get("/certificates.csv?format=xlsx")
    assert book.mimetype.endswith("spreadsheetml.sheet")
    sheet = openpyxl.load_workbook(io.BytesIO(book.data)).active
    assert sheet is not None and sheet.cell(2, 1).value == cert.code
    queued = client.post("/certificates.zip?lang=hu")  # a background job (tests/security)
    assert queued.status_code == 303
    from flask import current_app

    from lms_plugin.jobs.services import run_due_jobs

    assert run_due_jobs(current_app._get_current_object()) == 1
    state = client.get(queued.headers["Location"] + ".json").get_json()
    archive = client.get(state["download_url"])
    assert archive.status_code == 200 and archive.mimetype == "application/zip"
    import zipfile

    names = zipfile.ZipFile(io.BytesIO(archive.data)).namelist()
    assert len(names) == 1 and names[0].endswith(f"{cert.code}-hu.pdf")
    response = client.post(
        f"/certificates/{cert.id}/revoke", data={"reason": "Duplicate record", "confirm": "1"}
    )
    assert response.status_code == 302
    db.session.refresh(cert)
    assert cert.revoked_reason == "Duplicate record"


def test_the_pdf_names_the_hours_by_kind(
    app_ctx: Flask,
    client: FlaskClient,
    holder,  # type: ignore[no-untyped-def]
    rules_met,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Issue 15: the certificate names the hours credited by kind (online, live, practicum)."""
    from lms_plugin.progress import services as progress_services

    real = progress_services.course_progress

    def credited(user_id: int, course: object) -> object:
        progress = real(user_id, course)
        kinds = {"online": 14.5, "live": 9.0, "practicum": 4.0, "assignment": 2.5}
        return dataclasses.replace(progress, hours_by_kind=kinds)

    monkeypatch.setattr(progress_services, "course_progress", credited)
    user, ctx = holder
    cert = _issue(user.id)
    assert cert.hours_by_kind == {"online": 14.5, "live": 9.0, "practicum": 4.0, "assignment": 2.5}
    login(client, user, Role.TRAINEE, ctx)
    texts = {}
    for lang in ("hu", "en"):
        pdf = client.get(f"/certificate/{cert.id}.pdf?lang={lang}")
        texts[lang] = " ".join(PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text().split())
    assert (
        "online learning 14.5, live sessions 9, practicum 4, graded assignments 2.5" in texts["en"]
    )
    assert "online tanulás 14,5, élő foglalkozások 9" in texts["hu"]
