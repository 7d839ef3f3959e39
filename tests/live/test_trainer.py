"""Trainers schedule dates (Budapest time shown, UTC stored) and take attendance, audited."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from lms_plugin import events
from lms_plugin.accounts.models import Role
from lms_plugin.db import db
from lms_plugin.live import services
from lms_plugin.live.facts import attended_hours
from lms_plugin.live.models import LiveMark, LiveMarkAudit, LiveOccurrence
from tests.conftest import Factory, login
from tests.live.conftest import People, make_occurrence

FORM = {
    "session": "basics/triads",
    "date": "2026-07-15",
    "time": "14:30",
    "duration": "120",
    "place": "Szeged, Kárász u. 2.",
    "online_url": "",
    "capacity": "12",
    "note": "Hozz jegyzetfüzetet.",
}


@pytest.fixture
def published() -> Iterator[list[events.ProgressChanged]]:
    seen: list[events.ProgressChanged] = []
    events.subscribe(events.ProgressChanged, seen.append)
    yield seen
    events._handlers[events.ProgressChanged].remove(seen.append)


def test_a_trainer_schedules_a_date_in_budapest_time(client: FlaskClient, people: People) -> None:
    login(client, people.trainer, Role.TRAINER, people.context, lang="en")
    page = client.get("/live/schedule").get_data(as_text=True)
    assert "Basics – Listening triads" in page and "Budapest time" in page
    assert client.post("/live/schedule", data=FORM).status_code == 302
    occurrence = db.session.scalars(select(LiveOccurrence)).one()
    # 14:30 in Budapest in July (CEST, UTC+2) is 12:30 UTC
    assert occurrence.starts_at == datetime(2026, 7, 15, 12, 30, tzinfo=UTC)
    assert occurrence.context_pk == people.context.id
    assert occurrence.capacity == 12 and occurrence.place == "Szeged, Kárász u. 2."
    listing = client.get("/live/").get_data(as_text=True)
    assert "14:30" in listing and "0 of 12 places taken" in listing
    edit = client.get(f"/live/dates/{occurrence.id}/edit").get_data(as_text=True)
    assert 'value="14:30"' in edit and 'value="2026-07-15"' in edit


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("date", "2026-02-30", "YYYY-MM-DD"),
        ("time", "25:00", "YYYY-MM-DD"),
        ("date", "'; DROP TABLE x", "YYYY-MM-DD"),
        ("online_url", "http://meet.test/x", "https://"),
        ("online_url", "javascript:alert(1)", "https://"),
        ("capacity", "0", "capacity"),
        ("capacity", "99999999999999999999", "capacity"),
        ("duration", "abc", "duration"),
        ("session", "basics/nope", "live sessions"),
        ("place", "", "place, the online link"),
    ],
)
def test_hostile_schedule_input_is_a_clear_400(
    client: FlaskClient, people: People, field: str, value: str, message: str
) -> None:
    login(client, people.trainer, Role.TRAINER, people.context, lang="en")
    response = client.post("/live/schedule", data={**FORM, field: value})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.scalars(select(LiveOccurrence)).all() == []


def test_edit_and_cancel(client: FlaskClient, people: People) -> None:
    occurrence = make_occurrence(people, capacity=3)
    services.sign_up(people.anna.id, occurrence)
    services.sign_up(people.bela.id, occurrence)
    db.session.commit()
    login(client, people.trainer, Role.TRAINER, people.context, lang="en")
    too_small = client.post(f"/live/dates/{occurrence.id}/edit", data={**FORM, "capacity": "1"})
    assert too_small.status_code == 400
    assert "2 trainees have signed up" in too_small.get_data(as_text=True)
    online = {**FORM, "place": "", "online_url": "https://meet.test/abc"}
    assert client.post(f"/live/dates/{occurrence.id}/edit", data=online).status_code == 302
    db.session.expire_all()
    assert occurrence.online_url == "https://meet.test/abc" and occurrence.place == ""
    page = client.get("/live/").get_data(as_text=True)
    assert "notifies nobody" in page
    response = client.post(f"/live/dates/{occurrence.id}/cancel", follow_redirects=True)
    assert "Nobody is notified automatically" in response.get_data(as_text=True)
    db.session.expire_all()
    assert occurrence.is_cancelled


def test_the_register_marks_audits_publishes_and_credits(
    client: FlaskClient, people: People, published: list[events.ProgressChanged]
) -> None:
    occurrence = make_occurrence(people)
    services.sign_up(people.anna.id, occurrence)
    services.sign_up(people.bela.id, occurrence)
    db.session.commit()
    login(client, people.trainer, Role.TRAINER, people.context, lang="en")
    page = client.get(f"/live/dates/{occurrence.id}/register").get_data(as_text=True)
    assert "Kiss Anna" in page and "Nagy Béla" in page and 'name="status-' in page
    form = {
        f"status-{people.anna.id}": "late",
        f"note-{people.anna.id}": "20 perc késés",
        f"status-{people.bela.id}": "absent",
    }
    assert client.post(f"/live/dates/{occurrence.id}/register", data=form).status_code == 302
    assert {(e.user_id, e.course_id) for e in published} == {
        (people.anna.id, "tiny"),
        (people.bela.id, "tiny"),
    }
    assert attended_hours(people.anna.id, "tiny") == {"basics": 0.5}
    assert attended_hours(people.bela.id, "tiny") == {}
    published.clear()
    # the same form again changes nothing: no audit row, no event
    client.post(f"/live/dates/{occurrence.id}/register", data=form)
    assert published == []
    form[f"status-{people.bela.id}"] = "excused"
    client.post(f"/live/dates/{occurrence.id}/register", data=form)
    assert [e.user_id for e in published] == [people.bela.id]
    audits = db.session.scalars(
        select(LiveMarkAudit)
        .where(LiveMarkAudit.user_id == people.bela.id)
        .order_by(LiveMarkAudit.id)
    ).all()
    assert [(a.before, a.after) for a in audits] == [
        ({}, {"status": "absent", "note": ""}),
        ({"status": "absent", "note": ""}, {"status": "excused", "note": ""}),
    ]
    assert all(a.actor_id == people.trainer.id and a.created_at for a in audits)


def test_a_walk_in_is_added_and_marked_present(
    client: FlaskClient, people: People, make: Factory, published: list[events.ProgressChanged]
) -> None:
    occurrence = make_occurrence(people)
    outsider = make.user(make.context(), Role.TRAINEE)
    db.session.commit()
    login(client, people.trainer, Role.TRAINER, people.context, lang="en")
    page = client.get(f"/live/dates/{occurrence.id}/register").get_data(as_text=True)
    assert "Add a trainee who came without signing up" in page and "Kiss Anna" in page
    walk_in = f"/live/dates/{occurrence.id}/walk-in"
    assert client.post(walk_in, data={"user_id": str(people.anna.id)}).status_code == 302
    mark = db.session.scalars(select(LiveMark)).one()
    assert (mark.user_id, mark.status) == (people.anna.id, "present")
    assert [e.user_id for e in published] == [people.anna.id]
    assert client.post(walk_in, data={"user_id": str(outsider.id)}).status_code == 404
    assert client.post(walk_in, data={"user_id": "x"}).status_code == 400
    assert client.post(walk_in, data={"user_id": str(people.anna.id)}).status_code == 409


def test_someone_not_on_the_register_or_a_bad_status_is_refused(
    client: FlaskClient, people: People
) -> None:
    occurrence = make_occurrence(people)
    login(client, people.trainer, Role.TRAINER, people.context, lang="en")
    url = f"/live/dates/{occurrence.id}/register"
    assert client.post(url, data={f"status-{people.anna.id}": "present"}).status_code == 400
    assert client.post(url, data={"status-abc": "present"}).status_code == 400
    services.sign_up(people.anna.id, occurrence)
    db.session.commit()
    assert client.post(url, data={f"status-{people.anna.id}": "asleep"}).status_code == 400
    assert db.session.scalars(select(LiveMark)).all() == []


def test_another_trainers_course_and_trainees_are_kept_out(
    client: FlaskClient, people: People, make: Factory
) -> None:
    occurrence = make_occurrence(people)
    elsewhere = make.context()
    other_trainer = make.user(elsewhere, Role.TRAINER)
    db.session.commit()
    login(client, other_trainer, Role.TRAINER, elsewhere, lang="en")
    for url in ("register", "edit"):
        assert client.get(f"/live/dates/{occurrence.id}/{url}").status_code == 404
    assert client.post(f"/live/dates/{occurrence.id}/cancel").status_code == 404
    assert client.post(f"/live/dates/{occurrence.id}/register", data={}).status_code == 404
    # a launch into course A without being its trainer
    login(client, other_trainer, Role.TRAINER, people.context, lang="en")
    assert client.get(f"/live/dates/{occurrence.id}/register").status_code == 404
    assert client.post("/live/schedule", data=FORM).status_code == 403
    login(client, people.anna, Role.TRAINEE, people.context, lang="en")
    assert client.get(f"/live/dates/{occurrence.id}/register").status_code == 403
    assert client.post("/live/schedule", data=FORM).status_code == 403
    db.session.expire_all()
    assert not occurrence.is_cancelled


def test_attendance_taken_reaches_the_trainees_credited_hours(
    client: FlaskClient, people: People
) -> None:
    """End to end: the register's save publishes the fact; the credit calculation counts it."""
    from lms_plugin.progress.models import CourseSummary  # the test reads the peer's summary

    occurrence = make_occurrence(people)
    services.sign_up(people.anna.id, occurrence)
    db.session.commit()
    login(client, people.trainer, Role.TRAINER, people.context, lang="en")
    client.post(
        f"/live/dates/{occurrence.id}/register", data={f"status-{people.anna.id}": "present"}
    )
    summary = db.session.scalars(
        select(CourseSummary).where(CourseSummary.user_id == people.anna.id)
    ).one()
    assert summary.hours_by_kind.get("live") == 0.5


def test_a_date_with_attendance_cannot_be_cancelled(client: FlaskClient, people: People) -> None:
    occurrence = make_occurrence(people)
    services.sign_up(people.anna.id, occurrence)
    db.session.commit()
    login(client, people.trainer, Role.TRAINER, people.context, lang="en")
    client.post(
        f"/live/dates/{occurrence.id}/register", data={f"status-{people.anna.id}": "present"}
    )
    response = client.post(f"/live/dates/{occurrence.id}/cancel")
    assert response.status_code == 400
    assert "Attendance was taken for this date" in response.get_data(as_text=True)
    db.session.expire_all()
    assert not occurrence.is_cancelled
    assert attended_hours(people.anna.id, "tiny") == {"basics": 0.5}
