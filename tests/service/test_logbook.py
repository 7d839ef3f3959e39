"""The mentor's logbook through the pages: sessions, meetings (with the name warning), summaries."""

from __future__ import annotations

from datetime import date

from flask.testing import FlaskClient
from sqlalchemy import func, select

from lms_plugin.db import db
from lms_plugin.service.logbook.names import name_hits
from lms_plugin.service.models import (
    ContactCount,
    SessionAttendance,
    SupervisionMeeting,
    TrainingSession,
)
from tests.service.conftest import Year, as_coordinator, as_mentor

TODAY = date.today().isoformat()


def _count(model: type) -> int:
    return int(db.session.scalar(select(func.count()).select_from(model)) or 0)


def test_a_session_with_the_helpers_present_shows_in_the_year(
    client: FlaskClient, year: Year
) -> None:
    as_mentor(client, year)
    form = client.get("/service/sessions/new").get_data(as_text=True)
    assert "Anna K." in form and "Bence T." in form
    assert "Zsófi N." not in form  # only the mentor's own helpers are offered
    response = client.post(
        "/service/sessions/new",
        data={
            "school_id": year.school.id,
            "held_on": TODAY,
            "topic": "s2",
            "minutes": "90",
            "helpers": [str(year.helpers[0].id), str(year.helpers[1].id)],
            "note": "Good energy, role plays worked.",
        },
    )
    assert response.status_code == 303
    page = client.get("/service/").get_data(as_text=True)
    assert "Active listening I" in page and "2 helpers" in page
    assert "1 of the 8 sessions of the plan held." in page
    assert _count(SessionAttendance) == 2


def test_a_helper_of_another_mentor_cannot_be_marked_present(
    client: FlaskClient, year: Year
) -> None:
    as_mentor(client, year)
    other = year.org.schools[0]
    from lms_plugin.coordination.models import PeerHelper

    stranger = db.session.scalar(select(PeerHelper).where(PeerHelper.display_name == "Zsófi N."))
    assert stranger is not None
    response = client.post(
        "/service/sessions/new",
        data={
            "school_id": other.id,
            "held_on": TODAY,
            "topic": "s1",
            "minutes": "90",
            "helpers": [str(stranger.id)],
        },
    )
    assert response.status_code == 422
    assert _count(TrainingSession) == 0


def test_a_note_with_a_helper_list_first_name_warns_until_confirmed(
    client: FlaskClient, year: Year
) -> None:
    as_mentor(client, year)
    data = {
        "school_id": str(year.school.id),
        "held_on": TODAY,
        "format": "intervision",
        "cases": "3",
        "themes": ["conflict", "absence"],
        "note": "We talked about how zsófi handled the conflict.",
    }
    response = client.post("/service/meetings/new", data=data)
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "seems to contain a name" in text and "zsófi" in text
    assert "The note names no student" in text  # the confirmation box appears
    assert _count(SupervisionMeeting) == 0
    response = client.post("/service/meetings/new", data={**data, "confirm_no_names": "y"})
    assert response.status_code == 303
    meeting = db.session.scalars(select(SupervisionMeeting)).one()
    assert meeting.cases == 3 and meeting.theme_list == ["conflict", "absence"]


def test_a_note_without_names_saves_at_once_and_the_form_says_no_names(
    client: FlaskClient, year: Year
) -> None:
    as_mentor(client, year)
    assert "Write no student names" in client.get("/service/meetings/new").get_data(as_text=True)
    response = client.post(
        "/service/meetings/new",
        data={
            "school_id": str(year.school.id),
            "held_on": TODAY,
            "format": "group",
            "cases": "2",
            "themes": ["learning"],
            "note": "two cases about exam stress, both referred to the class teacher",
        },
    )
    assert response.status_code == 303


def test_name_patterns() -> None:
    assert name_hits("Kiss Péter was absent", set()) == ["Kiss Péter"]
    assert name_hits("talked with anna today", {"anna"}) == ["anna"]
    assert name_hits("three cases about exam stress", {"anna"}) == []


def test_unknown_themes_and_future_dates_are_refused(client: FlaskClient, year: Year) -> None:
    as_mentor(client, year)
    base = {"school_id": str(year.school.id), "format": "group", "cases": "1"}
    bad_theme = client.post(
        "/service/meetings/new", data={**base, "held_on": TODAY, "themes": ["names"]}
    )
    future = client.post("/service/meetings/new", data={**base, "held_on": "2999-01-01"})
    assert bad_theme.status_code == 422 and future.status_code == 422
    assert _count(SupervisionMeeting) == 0


def test_the_monthly_summary_stores_counts_and_refuses_bad_cells(
    client: FlaskClient, year: Year
) -> None:
    as_mentor(client, year)
    month = date.today().strftime("%Y-%m")
    target = f"/service/summary?school={year.school.id}&month={month}"
    bad = client.post(target, data={"c_talk_learning": "-1", "c_group_bullying": "4"})
    assert bad.status_code == 422
    assert _count(ContactCount) == 0
    ok = client.post(target, data={"c_talk_learning": "6", "c_group_bullying": "4"})
    assert ok.status_code == 303
    again = client.post(target, data={"c_talk_learning": "7"})  # replaces the month
    assert again.status_code == 303
    assert db.session.scalars(select(ContactCount.count)).all() == [7]
    assert "7 contacts" in client.get("/service/").get_data(as_text=True)


def test_people_without_a_mentor_profile_get_a_sentence(client: FlaskClient, year: Year) -> None:
    as_coordinator(client, year)
    assert client.get("/service/sessions/new").status_code == 403
    page = client.get("/service/")
    assert page.status_code == 200
    assert "The logbook is for mentors placed at a school" in page.get_data(as_text=True)
