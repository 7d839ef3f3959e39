"""The coordinator edits what the matcher uses about a mentor; nonsense is refused clearly."""

from __future__ import annotations

from flask.testing import FlaskClient

from lms_plugin.accounts.models import Role
from lms_plugin.coordination.models import MentorProfile, Placement
from lms_plugin.db import db
from tests.conftest import Factory, login
from tests.coordination.conftest import Org


def _form(org: Org, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "home_school_id": org.schools[1].id,
        "languages": "hu, en",
        "fields": "informatika, gépészet",
        "availability": "kedd délután",
        "min_helpers": 1,
        "max_helpers": 6,
    }
    data.update(changes)
    return data


def test_profile_is_saved(org: Org, make: Factory, client: FlaskClient) -> None:
    mentor = org.mentor(make)
    login(client, org.coordinator, Role.COORDINATOR, org.context)
    page = client.get(f"/coordination/mentors/{mentor.id}?programme={org.programme.id}")
    assert page.status_code == 200
    assert "valid until" in page.get_data(as_text=True)
    response = client.post(
        f"/coordination/mentors/{mentor.id}?programme={org.programme.id}", data=_form(org)
    )
    assert response.status_code == 302
    db.session.expire_all()
    saved = db.session.get(MentorProfile, mentor.id)
    assert saved is not None
    assert (saved.language_list, saved.field_list, saved.min_helpers, saved.max_helpers) == (
        ["hu", "en"],
        ["informatika", "gépészet"],
        1,
        6,
    )
    assert saved.home_school_id == org.schools[1].id


def test_minimum_above_maximum_is_refused(org: Org, make: Factory, client: FlaskClient) -> None:
    mentor = org.mentor(make)
    db.session.commit()
    login(client, org.coordinator, Role.COORDINATOR, org.context)
    response = client.post(
        f"/coordination/mentors/{mentor.id}?programme={org.programme.id}",
        data=_form(org, min_helpers=5, max_helpers=2),
        headers={"Accept": "text/html"},
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "The minimum must be between 0 and the maximum" in page
    assert 'name="max_helpers"' in page  # the form again, to correct
    db.session.expire_all()
    assert db.session.get(MentorProfile, mentor.id).max_helpers == 4  # type: ignore[union-attr]


def test_ending_a_placement_frees_the_helpers(org: Org, make: Factory, client: FlaskClient) -> None:
    from datetime import date

    from lms_plugin.coordination.peer_helpers import linking
    from lms_plugin.coordination.peer_helpers import services as peer_helpers

    mentor = org.mentor(make)
    helper = peer_helpers.create(
        org.schools[0],
        peer_helpers.HelperData(
            "Petra L.", 12, "", "hu", date.today(), date.today().year - 18, "self", True
        ),
        org.coordinator,
    )
    linking.link(helper, mentor, org.coordinator)
    db.session.commit()
    placement = db.session.query(Placement).one()
    login(client, org.coordinator, Role.COORDINATOR, org.context)
    asked = client.post(f"/coordination/placements/{placement.id}/end")
    assert asked.status_code == 200 and "End the placement" in asked.get_data(as_text=True)
    response = client.post(f"/coordination/placements/{placement.id}/end", data={"confirm": "1"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.query(Placement).one().status == "ended"
    assert linking.current_link(helper) is None
    page = client.get(
        f"/coordination/helpers?programme={org.programme.id}&status=waiting"
    ).get_data(as_text=True)
    assert "Petra L." in page
