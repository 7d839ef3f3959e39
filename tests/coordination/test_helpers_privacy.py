"""Peer helpers: least data, consent by age, erasure on request, end-of-year retention."""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import inspect, select

from lms_plugin.accounts.models import Role
from lms_plugin.coordination.models import (
    BannedPair,
    HelperAuditLog,
    HelperLink,
    PeerHelper,
    Programme,
    UnmatchedReason,
)
from lms_plugin.coordination.peer_helpers import linking
from lms_plugin.coordination.peer_helpers import services as peer_helpers
from lms_plugin.db import db
from lms_plugin.errors import DomainError
from tests.conftest import Factory, login
from tests.coordination.conftest import Org

THIS_YEAR = date.today().year


def helper_form(org: Org, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "school_id": org.schools[0].id,
        "display_name": "Bence K.",
        "school_year": 10,
        "vocational_field": "informatika",
        "language": "hu",
        "start_date": date.today().isoformat(),
        "birth_year": THIS_YEAR - 19,
        "consent_by": "self",
        "consent_confirmed": "y",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(
    "name", ["Anna K.", "K. Anna", "Zsófia", "Anna-Mária T", "PH-017", "Ádám Ő."]
)
def test_acceptable_display_names(name: str) -> None:
    assert peer_helpers.check_display_name(name) == name


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("Kovács Anna", "full surnames"),
        ("Anna Kovács Tóth", "full surnames"),
        ("anna.k@example.hu", "e-mail"),
        ("Anna +36 30 123 4567", "phone number"),
        ("Anna 06301234567", "phone number"),
        ("", "display name"),
    ],
)
def test_identifying_display_names_are_refused(name: str, why: str) -> None:
    with pytest.raises(DomainError, match=why):
        peer_helpers.check_display_name(name)


def test_no_contact_or_birth_date_columns(app: Flask) -> None:
    with app.app_context():
        columns = {c["name"] for c in inspect(db.engine).get_columns("peer_helpers")}
    assert not {
        c
        for c in columns
        if any(k in c for k in ("mail", "phone", "address", "birth_date", "surname"))
    }
    assert "birth_year" in columns


def test_under_16_needs_guardian_consent(org: Org, client: FlaskClient) -> None:
    login(client, org.coordinator, Role.COORDINATOR, org.context)
    response = client.post(
        "/coordination/helpers/new", data=helper_form(org, birth_year=THIS_YEAR - 15)
    )
    assert response.status_code == 422
    assert "need their parent&#39;s or guardian&#39;s consent" in response.get_data(as_text=True)
    assert db.session.query(PeerHelper).count() == 0

    response = client.post(
        "/coordination/helpers/new",
        data=helper_form(org, birth_year=THIS_YEAR - 15, consent_by="guardian"),
    )
    assert response.status_code == 302
    helper = db.session.query(PeerHelper).one()
    assert (helper.consent_by, helper.birth_year) == ("guardian", THIS_YEAR - 15)


def test_consent_age_comes_from_config(org: Org, app: Flask, client: FlaskClient) -> None:
    app.config["HELPER_CONSENT_AGE"] = 18
    try:
        assert peer_helpers.guardian_consent_required(THIS_YEAR - 17)
        login(client, org.coordinator, Role.COORDINATOR, org.context)
        response = client.post(
            "/coordination/helpers/new", data=helper_form(org, birth_year=THIS_YEAR - 17)
        )
        assert response.status_code == 422
    finally:
        app.config["HELPER_CONSENT_AGE"] = 16


def test_missing_consent_is_refused(org: Org, client: FlaskClient) -> None:
    login(client, org.coordinator, Role.COORDINATOR, org.context)
    data = helper_form(org)
    del data["consent_confirmed"]
    response = client.post("/coordination/helpers/new", data=data)
    assert response.status_code == 422
    assert "Record the consent" in response.get_data(as_text=True)


def test_erasure_leaves_nothing_identifying(org: Org, make: Factory, client: FlaskClient) -> None:
    mentor = org.mentor(make)
    other = org.mentor(make)
    login(client, org.coordinator, Role.COORDINATOR, org.context)
    client.post("/coordination/helpers/new", data=helper_form(org, display_name="Jázmin R."))
    helper = db.session.query(PeerHelper).one()
    helper_id = helper.id
    client.post(f"/coordination/helpers/{helper_id}/link", data={"mentor_id": mentor.id})
    client.post(
        f"/coordination/helpers/{helper_id}/ban", data={"mentor_id": other.id, "confirm": "1"}
    )
    db.session.add(UnmatchedReason(run_id=_run(org), helper_id=helper_id, reason="no_capacity"))
    db.session.commit()

    assert client.post(f"/coordination/helpers/{helper_id}/erase", data={}).status_code == 422
    response = client.post(f"/coordination/helpers/{helper_id}/erase", data={"confirm": "yes"})
    assert response.status_code == 302
    db.session.expire_all()
    for model in (PeerHelper,):
        assert db.session.get(model, helper_id) is None
    for model in (HelperLink, BannedPair, UnmatchedReason):
        assert db.session.scalars(select(model).where(model.helper_id == helper_id)).all() == []
    logs = db.session.scalars(
        select(HelperAuditLog).where(HelperAuditLog.helper_id == helper_id)
    ).all()
    assert logs[-1].action == "erase"
    dump = " ".join(f"{log.action} {log.detail}" for log in logs)
    assert "Jázmin" not in dump
    assert client.get(f"/coordination/helpers/{helper_id}").status_code == 404


def _run(org: Org) -> int:
    from lms_plugin.coordination.models import MatchRun

    run = MatchRun(programme_id=org.programme.id)
    db.session.add(run)
    db.session.flush()
    return run.id


def _helper(org: Org, school_index: int = 0) -> PeerHelper:
    return peer_helpers.create(
        org.schools[school_index],
        peer_helpers.HelperData(
            "Luca T.", 11, "gépészet", "hu", date.today(), THIS_YEAR - 18, "self", True
        ),
        org.coordinator,
    )


def test_retention_deletes_helpers_after_the_year_and_grace(
    org: Org, make: Factory, app: Flask
) -> None:
    old = Programme(name="2024/25", school_year="2024/25", year_ends_on=date(2025, 6, 15))
    db.session.add(old)
    db.session.flush()
    org.schools[1].programme_id = old.id
    keep, gone = _helper(org, 0), _helper(org, 1)
    mentor = org.mentor(make, org.schools[1])
    linking.link(gone, mentor, org.coordinator)
    db.session.commit()
    keep_id, gone_id = keep.id, gone.id
    runner = app.test_cli_runner()

    result = runner.invoke(args=["coordination", "retention", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "1 peer helpers are past retention" in result.output
    db.session.expire_all()
    assert db.session.get(PeerHelper, gone_id) is not None

    result = runner.invoke(args=["coordination", "retention"])
    assert "Deleted 1 peer helpers" in result.output
    db.session.expire_all()
    assert db.session.get(PeerHelper, gone_id) is None
    assert db.session.get(PeerHelper, keep_id) is not None
    assert db.session.query(HelperLink).count() == 0
    log = db.session.scalars(
        select(HelperAuditLog).where(HelperAuditLog.action == "retention_delete")
    ).one()
    assert (log.helper_id, log.actor_id) == (gone_id, None)


def test_retention_waits_for_the_grace_period(org: Org) -> None:
    org.programme.year_ends_on = date(2026, 6, 15)
    _helper(org)
    db.session.commit()
    assert peer_helpers.apply_retention(date(2026, 6, 20), dry_run=True) == 0  # within 90 days
    assert peer_helpers.apply_retention(date(2026, 10, 1), dry_run=True) == 1
