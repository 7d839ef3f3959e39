"""Trainees sign up for dates of open modules, within the capacity (also under concurrency)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from lms_plugin.accounts.models import Role
from lms_plugin.db import db, utcnow
from lms_plugin.errors import Conflict, DomainError
from lms_plugin.live import services
from lms_plugin.live.models import LiveMark, LiveOccurrence, LiveSignup
from tests.conftest import Factory, login
from tests.live.conftest import People, make_occurrence


def _signups(occurrence_id: int) -> int:
    return int(
        db.session.scalar(select(func.count()).where(LiveSignup.occurrence_id == occurrence_id))
        or 0
    )


def test_a_trainee_sees_the_date_signs_up_and_cancels(client: FlaskClient, people: People) -> None:
    occurrence = make_occurrence(people, capacity=2)
    login(client, people.anna, Role.TRAINEE, people.context, lang="en")
    page = client.get("/live/").get_data(as_text=True)
    assert "Listening triads" in page and "2 places left" in page
    assert "Budapest, Szív u. 1." in page
    assert "<p>Bring a notebook.</p>" in page  # the session's Markdown summary
    response = client.post(f"/live/dates/{occurrence.id}/sign-up", follow_redirects=True)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "You are signed up" in page and "1 place left" in page and "Cancel my sign-up" in page
    assert _signups(occurrence.id) == 1
    again = client.post(f"/live/dates/{occurrence.id}/sign-up", follow_redirects=True)
    assert "already signed up" in again.get_data(as_text=True)
    assert _signups(occurrence.id) == 1
    client.post(f"/live/dates/{occurrence.id}/withdraw")
    assert _signups(occurrence.id) == 0


def test_a_full_date_refuses_the_next_trainee(client: FlaskClient, people: People) -> None:
    occurrence = make_occurrence(people, capacity=1)
    services.sign_up(people.bela.id, occurrence)
    db.session.commit()
    login(client, people.anna, Role.TRAINEE, people.context, lang="en")
    assert "Full" in client.get("/live/").get_data(as_text=True)
    response = client.post(f"/live/dates/{occurrence.id}/sign-up", follow_redirects=True)
    assert "This date is full" in response.get_data(as_text=True)
    assert _signups(occurrence.id) == 1


def test_two_trainees_racing_for_the_last_seat_one_wins(app: Flask, people: People) -> None:
    occurrence_id = make_occurrence(people, capacity=1).id
    users = [people.anna.id, people.bela.id]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def attempt(user_id: int) -> None:
        with app.app_context():
            occurrence = db.session.get(LiveOccurrence, occurrence_id)
            assert occurrence is not None
            barrier.wait()
            try:
                services.sign_up(user_id, occurrence)
                db.session.commit()
                outcomes.append("seat")
            except Conflict:
                db.session.rollback()
                outcomes.append("full")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=attempt, args=(u,)) for u in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["full", "seat"]
    db.session.expire_all()
    assert _signups(occurrence_id) == 1


def test_a_locked_module_cannot_be_signed_up_for(client: FlaskClient, people: People) -> None:
    occurrence = make_occurrence(people, session=("practice", "role-play"))
    login(client, people.anna, Role.TRAINEE, people.context, lang="en")
    page = client.get("/live/").get_data(as_text=True)
    assert "Sessions of modules not open yet" in page
    assert f"/live/dates/{occurrence.id}/sign-up" not in page
    response = client.post(f"/live/dates/{occurrence.id}/sign-up")
    assert response.status_code == 403
    assert "Available when" in response.get_data(as_text=True)
    assert _signups(occurrence.id) == 0


def test_a_missed_session_offers_the_later_dates(client: FlaskClient, people: People) -> None:
    past = make_occurrence(people, starts_at=utcnow() - timedelta(days=2))
    later = make_occurrence(people, starts_at=utcnow() + timedelta(days=5), place="Make-up room")
    db.session.add(
        LiveMark(occurrence_id=past.id, user_id=people.anna.id, status="absent", note="")
    )
    db.session.commit()
    login(client, people.anna, Role.TRAINEE, people.context, lang="en")
    page = client.get("/live/").get_data(as_text=True)
    assert "You missed this session" in page
    assert "Make-up room" in page and f"/live/dates/{later.id}/sign-up" in page
    assert f"/live/dates/{past.id}/sign-up" not in page  # the missed date itself is over
    assert client.post(f"/live/dates/{later.id}/sign-up").status_code == 302
    assert _signups(later.id) == 1


def test_cancelled_started_and_foreign_dates_are_refused(
    client: FlaskClient, people: People, make: Factory
) -> None:
    cancelled = make_occurrence(people)
    cancelled.is_cancelled = True
    started = make_occurrence(people, starts_at=utcnow() - timedelta(minutes=5))
    db.session.commit()
    with pytest.raises(DomainError):
        services.sign_up(people.anna.id, cancelled)
    db.session.rollback()
    with pytest.raises(DomainError):
        services.sign_up(people.anna.id, started)
    db.session.rollback()
    elsewhere = make.context()
    db.session.commit()
    login(client, people.anna, Role.TRAINEE, elsewhere, lang="en")
    assert client.post(f"/live/dates/{cancelled.id}/sign-up").status_code == 404
    login(client, people.trainer, Role.TRAINER, people.context, lang="en")
    assert client.post(f"/live/dates/{cancelled.id}/sign-up").status_code == 403
    assert client.post("/live/dates/99999999/sign-up").status_code in (403, 404)


def test_the_trainee_home_and_menu_link_to_the_sessions(
    client: FlaskClient, people: People
) -> None:
    login(client, people.anna, Role.TRAINEE, people.context, lang="hu")
    page = client.get("/").get_data(as_text=True)
    assert 'href="/live/"' in page and "Közelgő foglalkozások" in page
    assert "Élő foglalkozások" in page


def test_a_cancelled_date_shows_only_to_those_signed_up(
    client: FlaskClient, people: People
) -> None:
    occurrence = make_occurrence(people, place="Régi terem")
    services.sign_up(people.anna.id, occurrence)
    services.cancel(occurrence)
    db.session.commit()
    login(client, people.anna, Role.TRAINEE, people.context, lang="en")
    page = client.get("/live/").get_data(as_text=True)
    assert "Régi terem" in page and "Cancelled" in page
    assert f"/live/dates/{occurrence.id}/withdraw" not in page
    login(client, people.bela, Role.TRAINEE, people.context, lang="en")
    page = client.get("/live/").get_data(as_text=True)
    assert "Régi terem" not in page and "No date is scheduled yet" in page
