"""Every time on the grading pages reads in the programme's time zone (Budapest unless
configured otherwise), in one pattern per language, with the zone named: the trainer's grade
page and queue, the trainee's own assignment page."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from lms_plugin.accounts.models import Role
from lms_plugin.db import db
from lms_plugin.grading import services
from lms_plugin.grading.models import Submission
from lms_plugin.lti.outbox_models import ScoreDelivery
from tests.conftest import login
from tests.grading.conftest import ASSIGNMENT, Cohort, as_user, cohort, submitted

__all__ = ["cohort"]  # the fixture, used by name

# 23:30 UTC on the last day of March 2029: summer time (UTC+2) began on 25 March, so it is
# already 1 April, 01:30 in Budapest.
SUBMITTED = datetime(2029, 3, 31, 23, 30, tzinfo=UTC)
# Winter time (UTC+1): 15 January 23:30 UTC is 16 January 00:30 in Budapest.
RELEASED = datetime(2029, 1, 15, 23, 30, tzinfo=UTC)
# 27 October 23:30 UTC: the clocks go back only at 01:00 UTC on the 28th, so 01:30 summer time.
RETRY = datetime(2029, 10, 27, 23, 30, tzinfo=UTC)


def _text(page: str) -> str:
    """What a person reads: no tags, entities decoded, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def _released(client: FlaskClient, cohort: Cohort) -> int:
    """Anna's attempt submitted, graded as a pass and released, with known times."""
    sub = submitted(cohort.anna, cohort.ctx)
    rubric = services.find_assignment(ASSIGNMENT).assignment.rubric
    form = {f"level-{c.id}": "3" for c in rubric}
    form.update(version="0", outcome="pass", feedback="Alapos munka.", action="ready")
    as_user(client, cohort.trainer, Role.TRAINER, cohort.ctx)
    assert client.post(f"/grading/submissions/{sub.id}/grade", data=form).status_code == 302
    client.post("/grading/release", data={"ids": str(sub.id), "confirm": "yes"})
    db.session.expire_all()
    row = db.session.get(Submission, sub.id)
    assert row is not None and row.grade is not None
    row.submitted_at = SUBMITTED
    row.grade.released_at = RELEASED
    deliveries = db.session.scalars(
        select(ScoreDelivery).where(ScoreDelivery.user_id == cohort.anna.id)
    ).all()
    assert deliveries
    for delivery in deliveries:  # the assignment's score (and the course's, if queued)
        delivery.status, delivery.created_at, delivery.next_attempt_at = "waiting", RELEASED, RETRY
    db.session.commit()
    return sub.id


def _page(client: FlaskClient, cohort: Cohort, url: str, lang: str, trainee: bool = False) -> str:
    who, role = (cohort.anna, Role.TRAINEE) if trainee else (cohort.trainer, Role.TRAINER)
    login(client, who, role, cohort.ctx, lang=lang)
    response = client.get(url)
    assert response.status_code == 200
    return _text(response.get_data(as_text=True))


def test_the_grade_page_shows_budapest_times_named_in_hungarian(
    client: FlaskClient, cohort: Cohort
) -> None:
    sub_id = _released(client, cohort)
    hu = _page(client, cohort, f"/grading/submissions/{sub_id}", "hu")
    assert "beadva: 2029. ápr. 1. 01:30 (Budapest, helyi idő)" in hu
    assert "Közzétéve: 2029. jan. 16. 00:30 (Budapest, helyi idő)." in hu
    assert "2029. jan. 16. 00:30 (Budapest, helyi idő) óta" in hu
    assert "következő próbálkozás: 2029. okt. 28. 01:30 (Budapest, helyi idő)" in hu
    # Never the stored UTC moment, nor another pattern of the same day.
    assert "23:30" not in hu and "2029-03-31" not in hu and "2029. 03." not in hu


def test_the_grade_page_shows_budapest_times_named_in_english(
    client: FlaskClient, cohort: Cohort
) -> None:
    sub_id = _released(client, cohort)
    en = _page(client, cohort, f"/grading/submissions/{sub_id}", "en")
    assert "submitted 1 Apr 2029 01:30 (Budapest time)" in en
    assert "Released 16 Jan 2029 00:30 (Budapest time)." in en
    assert "since 16 Jan 2029 00:30 (Budapest time)" in en
    assert "next try at 28 Oct 2029 01:30 (Budapest time)" in en
    assert "23:30" not in en and "3/31/29" not in en


def test_the_queue_names_the_zone_once_and_lists_local_times(
    client: FlaskClient, cohort: Cohort
) -> None:
    _released(client, cohort)
    hu = _page(client, cohort, "/grading/?status=all", "hu")
    assert re.search(r"Beadva [▲▼]? ?\(Budapest, helyi idő\)", hu)  # the column's heading
    assert "2029. ápr. 1. 01:30" in hu and "23:30" not in hu
    en = _page(client, cohort, "/grading/?status=all", "en")
    assert re.search(r"Submitted [▲▼]? ?\(Budapest time\)", en)
    assert "1 Apr 2029 01:30" in en


def test_the_trainees_own_page_shows_budapest_times(client: FlaskClient, cohort: Cohort) -> None:
    _released(client, cohort)
    url = f"/grading/assignments/{ASSIGNMENT}"
    hu = _page(client, cohort, url, "hu", trainee=True)
    assert "Beadva: 2029. ápr. 1. 01:30 (Budapest, helyi idő)" in hu
    en = _page(client, cohort, url, "en", trainee=True)
    assert "Submitted 1 Apr 2029 01:30 (Budapest time)" in en
    assert "23:30" not in hu + en


def test_a_draft_says_when_it_was_saved_in_budapest_time(
    client: FlaskClient, cohort: Cohort
) -> None:
    url = f"/grading/assignments/{ASSIGNMENT}"
    as_user(client, cohort.bela, Role.TRAINEE, cohort.ctx)
    saved = client.post(f"{url}/draft", data={"text": "Első változat.", "action": "save"})
    assert saved.status_code == 302
    draft = db.session.scalar(select(Submission).where(Submission.user_id == cohort.bela.id))
    assert draft is not None
    draft.updated_at = RELEASED  # last saved in winter time
    db.session.commit()
    login(client, cohort.bela, Role.TRAINEE, cohort.ctx, lang="hu")
    hu = _text(client.get(url).get_data(as_text=True))
    assert "(piszkozat, mentve: 2029. jan. 16. 00:30 (Budapest, helyi idő))" in hu
    login(client, cohort.bela, Role.TRAINEE, cohort.ctx, lang="en")
    en = _text(client.get(url).get_data(as_text=True))
    assert "(draft, saved 16 Jan 2029 00:30 (Budapest time))" in en


def test_a_corrected_grade_says_when_in_budapest_time(client: FlaskClient, cohort: Cohort) -> None:
    sub_id = _released(client, cohort)
    grade = db.session.get(Submission, sub_id).grade  # type: ignore[union-attr]
    assert grade is not None
    reopened = client.post(
        f"/grading/submissions/{sub_id}/correct",
        data={"version": str(grade.version), "reason": "Fellebbezés a 2. szempont miatt."},
    )
    assert reopened.status_code == 302
    db.session.expire_all()
    grade = db.session.get(Submission, sub_id).grade  # type: ignore[union-attr]
    assert grade is not None
    rubric = services.find_assignment(ASSIGNMENT).assignment.rubric
    form = {f"level-{c.id}": "2" for c in rubric}
    form.update(version=str(grade.version), outcome="pass", feedback="", action="ready")
    assert client.post(f"/grading/submissions/{sub_id}/grade", data=form).status_code == 302
    client.post("/grading/release", data={"ids": str(sub_id), "confirm": "yes"})
    db.session.expire_all()
    grade = db.session.get(Submission, sub_id).grade  # type: ignore[union-attr]
    assert grade is not None and grade.release_count == 2
    grade.released_at = RETRY
    db.session.commit()
    url = f"/grading/assignments/{ASSIGNMENT}"
    hu = _page(client, cohort, url, "hu", trainee=True)
    assert (
        "Ezt az értékelést felülvizsgálat után javították: "
        "2029. okt. 28. 01:30 (Budapest, helyi idő)."
    ) in hu
    en = _page(client, cohort, url, "en", trainee=True)
    assert "This grade was corrected after review on 28 Oct 2029 01:30 (Budapest time)." in en


@pytest.fixture
def lisbon(app: Flask) -> Iterator[None]:
    """A programme configured for another zone."""
    before = app.config["BABEL_DEFAULT_TIMEZONE"]
    app.config["BABEL_DEFAULT_TIMEZONE"] = "Europe/Lisbon"
    yield
    app.config["BABEL_DEFAULT_TIMEZONE"] = before


def test_the_zone_is_the_programmes_configured_one(
    client: FlaskClient, cohort: Cohort, lisbon: None
) -> None:
    sub_id = _released(client, cohort)
    en = _page(client, cohort, f"/grading/submissions/{sub_id}", "en")
    # Lisbon is UTC+1 in summer: 00:30 on 1 April, and the zone named after its city.
    assert "submitted 1 Apr 2029 00:30 (Lisbon time)" in en
    hu = _page(client, cohort, f"/grading/submissions/{sub_id}", "hu")
    assert "beadva: 2029. ápr. 1. 00:30 (Lisszabon, helyi idő)" in hu
