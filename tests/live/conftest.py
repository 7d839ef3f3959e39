"""Fixtures of the live-session tests: the tiny course with a live session in each module."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask

from lms_plugin.accounts.models import LmsContext, Role, User
from lms_plugin.courses.content import Course, get_course, reload_courses
from lms_plugin.db import db, utcnow
from lms_plugin.live.models import LiveOccurrence
from tests.conftest import Factory
from tests.courses.fixture_courses import good_courses

OVERLAY = Path(__file__).resolve().parent / "course_overlay"


@pytest.fixture
def live_course(app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Course]:
    """The tiny course whose modules each declare a live session (triads, role-play)."""
    folder = good_courses(tmp_path)
    shutil.copytree(OVERLAY, folder / "tiny", dirs_exist_ok=True)
    monkeypatch.setitem(app.config, "COURSES_DIR", str(folder))
    with app.app_context():
        reload_courses()
        yield get_course("tiny")
        reload_courses()


@dataclass
class People:
    context: LmsContext
    trainer: User
    anna: User
    bela: User


@pytest.fixture
def people(make: Factory, live_course: Course) -> People:
    context = make.context()
    people = People(
        context=context,
        trainer=make.user(context, Role.TRAINER, name="Tóth Tímea"),
        anna=make.user(context, Role.TRAINEE, name="Kiss Anna"),
        bela=make.user(context, Role.TRAINEE, name="Nagy Béla"),
    )
    db.session.commit()
    return people


def make_occurrence(
    people: People,
    *,
    session: tuple[str, str] = ("basics", "triads"),
    starts_at: datetime | None = None,
    capacity: int = 10,
    place: str = "Budapest, Szív u. 1.",
    online_url: str = "",
) -> LiveOccurrence:
    occurrence = LiveOccurrence(
        context_pk=people.context.id,
        course_id="tiny",
        module_id=session[0],
        session_id=session[1],
        starts_at=starts_at or utcnow() + timedelta(days=3),
        duration_minutes=90,
        place=place,
        online_url=online_url,
        capacity=capacity,
        note="",
        created_by_id=people.trainer.id,
    )
    db.session.add(occurrence)
    db.session.commit()
    return occurrence
