"""The admin's coordinators/people page at scale: server paging with the total, accent-blind
search, namesakes told apart by school and e-mail domain, a bounded number of statements."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from lms_plugin.accounts.models import Role
from lms_plugin.coordination.models import MentorProfile, School
from lms_plugin.db import db
from tests.conftest import Factory, login
from tests.coordination.conftest import Org
from tests.lti.conftest import english


def _names(html: str) -> list[str]:
    return re.findall(r'<li class="mb-3"><strong>([^<]+)</strong>', html)


def _admin(org: Org, make: Factory, client: FlaskClient) -> None:
    admin = make.user(org.context, Role.ADMIN, name="Admin Zsuzsa")
    db.session.commit()
    login(client, admin, Role.ADMIN, org.context)
    english(client)


def test_coordinators_are_paged_with_the_total_in_hungarian_order(
    org: Org, make: Factory, client: FlaskClient
) -> None:
    for i in range(120):
        make.user(org.context, Role.TRAINEE, name=f"Tanár {i:03d}", is_coordinator=True)
    make.user(org.context, Role.TRAINEE, name="Ábel Ödön", is_coordinator=True)
    make.user(org.context, Role.TRAINEE, name="Nem Koordinátor")
    _admin(org, make, client)
    first = client.get("/admin/coordinators").get_data(as_text=True)
    # 120 teachers, Ábel and the fixture's Koordinátor Kata; not the one without rights.
    assert "Showing 1–50 of 122" in first
    assert _names(first)[:2] == ["Ábel Ödön", "Koordinátor Kata"]  # Á sorts with A
    assert "Nem Koordinátor" not in first
    last = client.get("/admin/coordinators?page=99").get_data(as_text=True)
    assert "Showing 101–122 of 122" in last and _names(last)[-1] == "Tanár 119"
    backwards = client.get("/admin/coordinators?sort=-name").get_data(as_text=True)
    assert _names(backwards)[0] == "Tanár 119"
    assert 'rel="next"' in first and "Page 1 of 3" in first


def test_search_ignores_accents_and_tells_namesakes_apart(
    org: Org, make: Factory, client: FlaskClient
) -> None:
    a = make.user(org.context, Role.TRAINEE, name="Kovács Gábor", email="gabor@pecs.example.hu")
    b = make.user(org.context, Role.TRAINEE, name="Kovács Gábor", email="kg@komlo.example.hu")
    for user, school in ((a, org.schools[0]), (b, org.schools[1])):
        db.session.add(MentorProfile(user_id=user.id, home_school_id=school.id))
    _admin(org, make, client)
    found = client.get("/admin/coordinators?q=kovacs+gabor").get_data(as_text=True)
    assert "Showing 1–2 of 2" in found and _names(found) == ["Kovács Gábor", "Kovács Gábor"]
    assert "@pecs.example.hu" in found and "@komlo.example.hu" in found
    assert "gabor@pecs.example.hu" not in found  # the domain tells them apart, not the address
    assert "Zipernowsky Károly Technikum" in found and "Komlói Technikum" in found
    assert found.count("Make coordinator") == 2
    assert "Showing" in client.get("/admin/coordinators?q=GÁBOR").get_data(as_text=True)
    nobody = client.get("/admin/coordinators?q=xyzzy").get_data(as_text=True)
    assert "Nobody found" in nobody


def test_the_page_sends_a_bounded_number_of_statements(
    org: Org, make: Factory, client: FlaskClient, app: Flask
) -> None:
    schools = [
        School(
            programme_id=org.programme.id,
            centre_id=org.centre.id,
            code=f"Q{i}",
            name=f"Iskola {i}",
            municipality="Pécs",
            target_helpers=1,
        )
        for i in range(40)
    ]
    db.session.add_all(schools)
    db.session.flush()
    for i in range(40):
        user = make.user(org.context, Role.TRAINEE, name=f"Tanár {i}", is_coordinator=True)
        db.session.add(MentorProfile(user_id=user.id, home_school_id=schools[i].id))
    _admin(org, make, client)
    seen: list[str] = []
    with app.app_context():
        engine = db.engine
    listener = lambda *args: seen.append(str(args[2]))  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        response = client.get("/admin/coordinators")
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert response.status_code == 200 and "Iskola 39" in response.get_data(as_text=True)
    assert len(seen) <= 15, seen


def test_hostile_arguments_are_a_page(org: Org, make: Factory, client: FlaskClient) -> None:
    _admin(org, make, client)
    for query in ("page=-1", "page=99999999999", "sort=drop", "q=%25%25_", "per_page=100000"):
        assert client.get(f"/admin/coordinators?{query}").status_code == 200
