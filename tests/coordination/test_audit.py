"""Every read and change of helper data by a coordinator is in the audit log (ids, never names)."""

from __future__ import annotations

from datetime import date

from flask.testing import FlaskClient
from sqlalchemy import select

from lms_plugin.accounts.models import Role
from lms_plugin.coordination.models import HelperAuditLog, PeerHelper
from lms_plugin.coordination.peer_helpers import services as peer_helpers
from lms_plugin.db import db
from tests.conftest import login
from tests.coordination.conftest import Org


def _helpers(org: Org, n: int) -> list[int]:
    ids = []
    for i in range(n):
        h = peer_helpers.create(
            org.schools[0],
            peer_helpers.HelperData(
                f"Réka {'ABCDEFG'[i]}.",
                10,
                "informatika",
                "hu",
                date.today(),
                date.today().year - 18,
                "self",
                True,
            ),
            org.coordinator,
        )
        ids.append(h.id)
    db.session.commit()
    return ids


def _log(action: str) -> list[HelperAuditLog]:
    return list(db.session.scalars(select(HelperAuditLog).where(HelperAuditLog.action == action)))


def test_reads_are_audited_per_helper(org: Org, client: FlaskClient) -> None:
    ids = _helpers(org, 3)
    login(client, org.coordinator, Role.COORDINATOR, org.context)
    assert client.get("/coordination/helpers").status_code == 200
    listed = _log("list")
    assert sorted(e.helper_id for e in listed) == sorted(ids)
    assert {e.actor_id for e in listed} == {org.coordinator.id}

    client.get(f"/coordination/helpers/{ids[0]}")
    assert [e.helper_id for e in _log("view")] == [ids[0]]

    response = client.get("/coordination/helpers.csv")
    assert response.status_code == 200
    assert sorted(e.helper_id for e in _log("export")) == sorted(ids)


def test_changes_are_audited_with_the_fields_not_the_values(org: Org, client: FlaskClient) -> None:
    (helper_id,) = _helpers(org, 1)
    assert [e.helper_id for e in _log("create")] == [helper_id]
    login(client, org.coordinator, Role.COORDINATOR, org.context)
    response = client.post(
        f"/coordination/helpers/{helper_id}",
        data={
            "school_id": org.schools[0].id,
            "display_name": "Nóra B.",
            "school_year": 11,
            "vocational_field": "informatika",
            "language": "hu",
            "start_date": date.today().isoformat(),
            "birth_year": date.today().year - 18,
            "consent_by": "self",
            "consent_confirmed": "y",
        },
    )
    assert response.status_code == 302
    assert db.session.get(PeerHelper, helper_id).display_name == "Nóra B."  # type: ignore[union-attr]
    (update,) = _log("update")
    assert update.helper_id == helper_id
    assert "display_name" in update.detail and "school_year" in update.detail
    assert "Nóra" not in update.detail and "Réka" not in update.detail


def test_coordinators_see_the_audit_log_without_names(org: Org, client: FlaskClient) -> None:
    (helper_id,) = _helpers(org, 1)
    login(client, org.coordinator, Role.COORDINATOR, org.context)
    client.get(f"/coordination/helpers/{helper_id}")
    page = client.get(f"/coordination/audit?helper={helper_id}").get_data(as_text=True)
    assert f"#{helper_id}" in page and "view" in page and "create" in page
    assert "Koordinátor Kata" in page
    assert "Réka" not in page


def test_a_matcher_run_row_is_shown_to_who_ran_it_and_unknown_codes_are_words(
    org: Org, client: FlaskClient
) -> None:
    from lms_plugin.coordination.audit import services as audit

    # A run's row names no school (it is counts over many); unknown actions are still words.
    audit.record(org.coordinator.id, audit.PROPOSE, None, None, "run 1: 3 helpers considered")
    audit.record(org.coordinator.id, "some_future_code", None, None, "")
    db.session.commit()
    login(client, org.coordinator, Role.COORDINATOR, org.context, lang="en")
    page = client.get("/coordination/audit").get_data(as_text=True)
    assert "run 1: 3 helpers considered" in page
    assert "mentor proposed by the matcher" in page and "recorded" in page
    assert "some_future_code" not in page
