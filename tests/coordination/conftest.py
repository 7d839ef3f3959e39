"""Coordination fixtures: an organisation, mentors with real certificates, a coordinator."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from lms_plugin.accounts.models import LmsContext, Role, User
from lms_plugin.certification.models import Certificate
from lms_plugin.certification.services import new_code
from lms_plugin.coordination.models import (
    CoordinatorGrant,
    MentorProfile,
    Placement,
    Programme,
    School,
    TrainingCentre,
)
from lms_plugin.db import db, utcnow
from tests.conftest import Factory


def issue_certificate(
    user: User, state: str = "valid", *, expires_in_days: int = 700
) -> Certificate:
    """A real certificate row: valid, expired or revoked."""
    now = utcnow()
    expires = (
        now + timedelta(days=expires_in_days) if state != "expired" else now - timedelta(days=3)
    )
    cert = Certificate(
        user_id=user.id,
        course_id="mentor-30h",
        course_version="test",
        period_no=1 + (db.session.query(Certificate).filter_by(user_id=user.id).count()),
        code=new_code(),
        holder_name=user.name or "",
        hours=30.0,
        issued_at=expires - timedelta(days=3 * 365),
        valid_from=expires - timedelta(days=3 * 365),
        expires_at=expires,
        revoked_at=now if state == "revoked" else None,
    )
    db.session.add(cert)
    db.session.flush()
    return cert


@dataclass
class Org:
    context: LmsContext
    programme: Programme
    centre: TrainingCentre
    schools: list[School]
    coordinator: User

    def mentor(
        self,
        make: Factory,
        school: School | None = None,
        *,
        cert: str | None = "valid",
        placed: bool = True,
        **profile: Any,
    ) -> MentorProfile:
        """A teacher with a mentor profile, optionally certified and placed at `school`."""
        user = make.user(self.context, Role.TRAINEE)
        if cert:
            issue_certificate(user, cert)
        school = school or self.schools[0]
        mentor = MentorProfile(user_id=user.id, home_school_id=school.id, **profile)
        db.session.add(mentor)
        db.session.flush()
        if placed:
            db.session.add(Placement(mentor_id=mentor.id, school_id=school.id, status="active"))
            db.session.flush()
        return mentor


@pytest.fixture
def org(make: Factory, app_ctx: Flask) -> Org:
    context = make.context()
    programme = Programme(
        name="Pilot 2026/27", school_year="2026/27", year_ends_on=date(2027, 6, 15)
    )
    db.session.add(programme)
    db.session.flush()
    centre = TrainingCentre(
        programme_id=programme.id, code="BVSZC", name="Baranya Vármegyei SZC", municipality="Pécs"
    )
    db.session.add(centre)
    db.session.flush()
    schools = [
        School(
            programme_id=programme.id,
            centre_id=centre.id,
            code=f"S{i}",
            name=name,
            municipality=town,
            vocational_fields="informatika|gépészet",
            target_helpers=10,
        )
        for i, (name, town) in enumerate(
            [("Zipernowsky Károly Technikum", "Pécs"), ("Komlói Technikum", "Komló")]
        )
    ]
    db.session.add_all(schools)
    coordinator = make.user(context, Role.TRAINEE, name="Koordinátor Kata", is_coordinator=True)
    # Tenants: the programme belongs to the course's platform and is granted to the coordinator.
    programme.issuer = context_issuer(context)
    db.session.add(CoordinatorGrant(user_id=coordinator.id, programme_id=programme.id))
    db.session.commit()
    return Org(context, programme, centre, schools, coordinator)


def context_issuer(context: LmsContext) -> str:
    from lms_plugin.lti.models import Platform

    platform = db.session.get(Platform, context.platform_id)
    assert platform is not None
    return platform.issuer


def a_date(days: int = 0) -> datetime:
    return utcnow() + timedelta(days=days)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A browser that asks for English pages (the programme's default language is Hungarian)."""
    browser = app.test_client()
    with browser.session_transaction() as sess:
        sess["lang"] = "en"  # as if the user pressed "English"
    return browser


@pytest.fixture(autouse=True)
def _english(app: Flask) -> Iterator[None]:
    """Messages outside a request (services, CLI) in English, so tests can read them."""
    before = app.config["BABEL_DEFAULT_LOCALE"]
    app.config["BABEL_DEFAULT_LOCALE"] = "en"
    yield
    app.config["BABEL_DEFAULT_LOCALE"] = before
