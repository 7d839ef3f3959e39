"""Service-year fixtures: the coordination organisation, a placed mentor with linked helpers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from flask import Flask
from flask.testing import FlaskClient

from lms_plugin.accounts.models import Role, User
from lms_plugin.coordination.models import HelperLink, MentorProfile, PeerHelper, School
from lms_plugin.db import db
from lms_plugin.service.mentor import MentorDesk, desk_of
from tests.conftest import Factory, login
from tests.coordination.conftest import (  # noqa: F401  (fixtures)
    Org,
    _english,
    client,
    org,
)


def add_helper(school: School, name: str, mentor: MentorProfile | None = None) -> PeerHelper:
    helper = PeerHelper(
        school_id=school.id,
        display_name=name,
        school_year=10,
        start_date=date(2026, 9, 15),
        birth_year=2010,
        consent_by="guardian",
    )
    db.session.add(helper)
    db.session.flush()
    if mentor is not None:
        db.session.add(HelperLink(helper_id=helper.id, mentor_id=mentor.id, status="published"))
        db.session.flush()
    return helper


@dataclass
class Year:
    org: Org
    mentor: MentorProfile
    user: User
    helpers: list[PeerHelper]

    @property
    def school(self) -> School:
        return self.org.schools[0]

    def desk(self) -> MentorDesk:
        found = desk_of(self.user)
        assert found is not None
        return found


@pytest.fixture
def year(org: Org, make: Factory) -> Year:  # noqa: F811
    mentor = org.mentor(make)
    helpers = [add_helper(org.schools[0], n, mentor) for n in ("Anna K.", "Bence T.", "PH-017")]
    add_helper(org.schools[0], "Zsófi N.")  # on the school's list, not linked to this mentor
    db.session.commit()
    user = db.session.get(User, mentor.user_id)
    assert user is not None
    return Year(org, mentor, user, helpers)


def as_mentor(client: FlaskClient, year: Year) -> FlaskClient:  # noqa: F811
    login(client, year.user, Role.TRAINEE, year.org.context, lang="en")
    return client


def as_coordinator(client: FlaskClient, year: Year) -> FlaskClient:  # noqa: F811
    login(client, year.org.coordinator, Role.COORDINATOR, year.org.context, lang="en")
    return client


__all__ = ["Flask", "Year", "add_helper", "as_coordinator", "as_mentor"]
