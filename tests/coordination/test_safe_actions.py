"""Destructive actions are red, named and confirmed; a helper added twice is caught."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from lms_plugin.accounts.models import Role
from lms_plugin.coordination.models import BannedPair, HelperLink, MatchRun, PeerHelper, Placement
from lms_plugin.coordination.peer_helpers.duplicates import name_key
from lms_plugin.db import db
from tests.conftest import Factory, login
from tests.coordination.conftest import Org
from tests.coordination.test_helpers_privacy import helper_form


def _count(model: type, *where: object) -> int:
    return int(db.session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Anna K.", "K. Anna", True),
        ("Anna K.", "anna k", True),
        ("Ágnes B.", "Agnes B.", True),
        ("Anna K.", "Anna T.", False),
        ("Anna K.", "Anita K.", False),
        ("PH-017", "PH-017", True),
        ("PH-017", "PH-018", False),
    ],
)
def test_name_keys(a: str, b: str, same: bool) -> None:
    assert (name_key(a) == name_key(b)) is same


def test_the_same_student_twice_is_flagged_before_saving(org: Org, client: FlaskClient) -> None:
    login(client, org.coordinator, Role.COORDINATOR, org.context)
    assert client.post("/coordination/helpers/new", data=helper_form(org)).status_code == 302
    again = client.post("/coordination/helpers/new", data=helper_form(org, display_name="K. Bence"))
    html = again.get_data(as_text=True)
    assert again.status_code == 409
    assert "This may be the same student." in html and "Bence K." in html
    assert _count(PeerHelper) == 1
    # Another school year or another school is not a duplicate.
    assert (
        client.post("/coordination/helpers/new", data=helper_form(org, school_year=11)).status_code
        == 302
    )
    # The coordinator can still save a namesake on purpose.
    saved = client.post("/coordination/helpers/new", data=helper_form(org, confirm_duplicate="1"))
    assert saved.status_code == 302 and _count(PeerHelper) == 3


def test_the_school_picker_works_without_javascript(org: Org, client: FlaskClient) -> None:
    login(client, org.coordinator, Role.COORDINATOR, org.context)
    form = helper_form(org, school_id="", school_id_q="komloi")
    assert client.post("/coordination/helpers/new", data=form).status_code == 302
    helper = db.session.scalars(select(PeerHelper)).one()
    assert helper.school_id == org.schools[1].id
    ambiguous = client.post(
        "/coordination/helpers/new", data=helper_form(org, school_id="", school_id_q="technikum")
    )
    assert ambiguous.status_code == 422
    assert "Several schools match" in ambiguous.get_data(as_text=True)


def _linked_helper(org: Org, make: Factory, client: FlaskClient) -> tuple[int, int]:
    mentor = org.mentor(make)
    db.session.commit()
    client.post("/coordination/helpers/new", data=helper_form(org))
    helper_id = db.session.scalars(select(PeerHelper.id)).one()
    client.post(f"/coordination/helpers/{helper_id}/link", data={"mentor_id": mentor.id})
    return helper_id, mentor.id


def test_unlink_and_ban_ask_first_and_name_what_they_affect(
    org: Org, make: Factory, client: FlaskClient
) -> None:
    login(client, org.coordinator, Role.COORDINATOR, org.context)
    helper_id, mentor_id = _linked_helper(org, make, client)
    page = client.get(f"/coordination/helpers/{helper_id}").get_data(as_text=True)
    assert re.search(r'class="btn btn-danger">Unlink Bence K\.<', page)
    assert "btn btn-danger" in page and "Erase Bence K.’s record" in page.replace("'", "’")

    asked = client.post(f"/coordination/helpers/{helper_id}/unlink")
    html = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "waits for a mentor again" in html
    assert 'name="confirm" value="1"' in html and "btn btn-danger" in html
    assert _count(HelperLink) == 1
    client.post(f"/coordination/helpers/{helper_id}/unlink", data={"confirm": "1"})
    assert _count(HelperLink) == 0

    asked = client.post(f"/coordination/helpers/{helper_id}/ban", data={"mentor_id": mentor_id})
    assert asked.status_code == 200 and "will never be linked" in asked.get_data(as_text=True)
    # The confirmation page posts the same mentor back.
    assert f'name="mentor_id" value="{mentor_id}"' in asked.get_data(as_text=True)
    assert _count(BannedPair) == 0
    client.post(
        f"/coordination/helpers/{helper_id}/ban", data={"mentor_id": mentor_id, "confirm": "1"}
    )
    assert _count(BannedPair) == 1


def test_ending_a_placement_and_discarding_a_proposal_ask_first(
    org: Org, make: Factory, client: FlaskClient
) -> None:
    login(client, org.coordinator, Role.COORDINATOR, org.context)
    _linked_helper(org, make, client)
    placement = db.session.scalars(select(Placement)).one()
    asked = client.post(f"/coordination/placements/{placement.id}/end")
    assert asked.status_code == 200
    assert "1 linked helpers at this school wait for a new mentor" in asked.get_data(as_text=True)
    db.session.refresh(placement)
    assert placement.status == "active"

    run = MatchRun(programme_id=org.programme.id, status="draft", created_by_id=org.coordinator.id)
    db.session.add(run)
    db.session.commit()
    asked = client.post(f"/coordination/match/{run.id}/discard")
    assert asked.status_code == 200 and "Discard the proposal" in asked.get_data(as_text=True)
    db.session.refresh(run)
    assert run.status == "draft"
    client.post(f"/coordination/match/{run.id}/discard", data={"confirm": "1"})
    db.session.refresh(run)
    assert run.status == "discarded"
