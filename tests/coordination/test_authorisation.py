"""Only coordinators (and admins) see coordination pages; the mentor view needs a launch."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from lms_plugin.accounts.models import Role
from tests.conftest import Factory, login
from tests.coordination.conftest import Org

PAGES = [
    "/coordination/",
    "/coordination/coverage.csv",
    "/coordination/schools",
    "/coordination/schools/export.csv",
    "/coordination/mentors",
    "/coordination/helpers",
    "/coordination/helpers.csv",
    "/coordination/helpers/new",
    "/coordination/audit",
]


@pytest.mark.parametrize("role", [Role.TRAINEE, Role.TRAINER])
@pytest.mark.parametrize("path", PAGES)
def test_trainees_and_trainers_get_403(
    org: Org, make: Factory, client: FlaskClient, role: Role, path: str
) -> None:
    user = make.user(org.context, role)
    login(client, user, role, org.context)
    assert client.get(path).status_code == 403


@pytest.mark.parametrize("path", PAGES)
def test_coordinators_and_admins_get_200(
    org: Org, make: Factory, client: FlaskClient, path: str
) -> None:
    login(client, org.coordinator, Role.COORDINATOR, org.context)
    assert client.get(path).status_code == 200
    admin = make.user(org.context, Role.ADMIN, is_admin=True)
    login(client, admin, Role.ADMIN, org.context)
    assert client.get(path).status_code == 200


def test_posts_are_refused_without_the_role(org: Org, make: Factory, client: FlaskClient) -> None:
    user = make.user(org.context, Role.TRAINER)
    login(client, user, Role.TRAINER, org.context)
    assert (
        client.post("/coordination/match", data={"programme": org.programme.id}).status_code == 403
    )


def test_mentor_view_needs_a_launch(org: Org, make: Factory, client: FlaskClient) -> None:
    assert client.get("/coordination/me").status_code == 401
    trainee = make.user(org.context, Role.TRAINEE)
    login(client, trainee, Role.TRAINEE, org.context)
    response = client.get("/coordination/me")
    assert response.status_code == 200
    assert "You are not placed at a school yet" in response.get_data(as_text=True)
