"""Lists that scale: paging with the total, accent-insensitive search, Hungarian sort, lookups."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, select

from lms_plugin.accounts.models import Role, User
from lms_plugin.certification.models import Certificate
from lms_plugin.coordination.models import HelperAuditLog, PeerHelper, School
from lms_plugin.db import db, utcnow
from lms_plugin.listing import fold, hungarian_key, hungarian_sort_text
from tests.conftest import Factory, login
from tests.coordination.conftest import Org


def _add_schools(org: Org, names: list[tuple[str, str]], prefix: str = "X") -> None:
    for i, (name, town) in enumerate(names):
        db.session.add(
            School(
                programme_id=org.programme.id,
                centre_id=org.centre.id,
                code=f"{prefix}{i:03d}",
                name=name,
                municipality=town,
                vocational_fields="",
                target_helpers=1,
            )
        )
    db.session.commit()


def _row_heads(html: str) -> list[str]:
    return re.findall(r'<th scope="row">(?:<a [^>]*>)?([^<]+)<', html)


def test_hungarian_order_and_folding() -> None:
    names = ["Győri", "Balogh", "Ágnes", "Gál", "Zsolt", "Zoltán", "Ödön", "Olga", "Csaba", "Cecil"]
    assert sorted(names, key=hungarian_key) == [
        "Ágnes", "Balogh", "Cecil", "Csaba", "Gál", "Győri", "Olga", "Ödön", "Zoltán", "Zsolt",
    ]  # fmt: skip
    assert fold("Győr Gábor") == "gyor gabor"
    # SQLite sorts by a string key: its plain order must be the same Hungarian order.
    many = [*names, "gál", "Gal", "Ödön Ő.", "Öt", "Ott", "Zs", "Z", "", "123", "Éva", "Eva"]
    assert sorted(many, key=hungarian_sort_text) == sorted(many, key=hungarian_key)


def test_schools_page_pages_searches_and_sorts(
    org: Org, client: FlaskClient, make: Factory
) -> None:
    _add_schools(org, [(f"Iskola {i:03d}", "Pécs") for i in range(120)], "I")
    _add_schools(org, [("Győri Műszaki Technikum", "Győr"), ("Ágnes Technikum", "Szeged")])
    login(client, org.coordinator, Role.COORDINATOR, org.context)

    first = client.get("/coordination/schools").get_data(as_text=True)
    assert "Showing 1–50 of 124" in first
    assert "Page 1 of 3" in first
    # Hungarian order: Á sorts with A, before "Iskola" and "Győri" after "Ágnes".
    heads = _row_heads(first)
    assert heads[0] == "Ágnes Technikum" and heads[1] == "Győri Műszaki Technikum"

    last = client.get("/coordination/schools?page=3").get_data(as_text=True)
    assert "Showing 101–124 of 124" in last

    found = client.get("/coordination/schools?q=gyor").get_data(as_text=True)
    assert _row_heads(found) == ["Győri Műszaki Technikum"]
    assert "Showing 1–1 of 1" in found

    by_town = client.get("/coordination/schools?q=GYŐR+technikum").get_data(as_text=True)
    assert _row_heads(by_town) == ["Győri Műszaki Technikum"]

    backwards = client.get("/coordination/schools?sort=-name").get_data(as_text=True)
    assert _row_heads(backwards)[-1] != "Ágnes Technikum"
    assert _row_heads(backwards)[0] == "Zipernowsky Károly Technikum"
    assert 'aria-sort="descending"' in backwards

    # Hostile paging and sorting fall back to sensible defaults, never a 500.
    for query in ("page=99999", "page=-1", "sort=;drop", "per_page=100000", "q=%25_%5C"):
        assert client.get(f"/coordination/schools?{query}").status_code == 200


def test_school_lookup_is_json_and_accent_insensitive(org: Org, client: FlaskClient) -> None:
    _add_schools(org, [("Győri Műszaki Technikum", "Győr"), ("Soproni Technikum", "Sopron")])
    login(client, org.coordinator, Role.COORDINATOR, org.context)
    found = client.get("/coordination/schools/lookup.json?q=gyor").get_json()
    assert [s["label"] for s in found] == ["Győri Műszaki Technikum (Győr, X000)"]
    assert client.get("/coordination/schools/lookup.json?q=").get_json() == []


def test_mentor_search_ignores_accents_and_tells_namesakes_apart(
    org: Org, client: FlaskClient, make: Factory
) -> None:
    first = org.mentor(make, org.schools[0])
    second = org.mentor(make, org.schools[1])
    for mentor, email in ((first, "gabor@pecs.example"), (second, "gabor@komlo.example")):
        user = db.session.get(User, mentor.user_id)
        assert user is not None
        user.name, user.email = "Nagy Gábor", email
    other = org.mentor(make, org.schools[0])
    codes = {c.user_id: c.code for c in db.session.scalars(select(Certificate))}
    db.session.commit()
    login(client, org.coordinator, Role.COORDINATOR, org.context)

    html = client.get("/coordination/mentors?q=gabor").get_data(as_text=True)
    assert "Showing 1–2 of 2" in html
    assert html.count("Nagy Gábor") == 2
    # Told apart: e-mail domain, home school and certificate number.
    for needle in (
        "@pecs.example",
        "@komlo.example",
        "Zipernowsky Károly Technikum, Pécs",
        "Komlói Technikum, Komló",
        codes[first.user_id],
        codes[second.user_id],
    ):
        assert needle in html
    assert codes[other.user_id] not in html

    by_school = client.get("/coordination/mentors?school_q=komloi").get_data(as_text=True)
    assert "Showing 1–1 of 1" in by_school and "@komlo.example" in by_school


def test_mentor_list_queries_are_bounded(
    org: Org, client: FlaskClient, make: Factory, app: Flask
) -> None:
    for _ in range(3):
        org.mentor(make, org.schools[0])
    db.session.commit()
    login(client, org.coordinator, Role.COORDINATOR, org.context)
    client.get("/coordination/mentors")  # the pool is synchronised once
    db.session.commit()
    few = _count_statements(app, lambda: client.get("/coordination/mentors"))
    for _ in range(12):
        org.mentor(make, org.schools[1])
    db.session.commit()
    many = _count_statements(app, lambda: client.get("/coordination/mentors"))
    assert many == few  # no query per mentor shown


def _count_statements(app: Flask, call: Callable[[], object]) -> int:
    seen: list[str] = []

    def listener(*args: object) -> None:
        seen.append(str(args[2]))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", listener)
    try:
        response = call()
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert getattr(response, "status_code", 200) == 200
    return len(seen)


def _helper(org: Org, school: School, name: str, year: int = 10) -> PeerHelper:
    helper = PeerHelper(
        school_id=school.id,
        display_name=name,
        school_year=year,
        vocational_field="informatika",
        language="hu",
        start_date=date(2026, 9, 1),
        birth_year=2010,
        consent_by="guardian",
        consent_recorded_at=utcnow(),
        consent_recorded_by_id=org.coordinator.id,
    )
    db.session.add(helper)
    return helper


def test_helper_list_pages_searches_sorts_and_filters(org: Org, client: FlaskClient) -> None:
    for i in range(130):
        _helper(org, org.schools[i % 2], f"PH-{i:03d}", 9 + i % 6)
    _helper(org, org.schools[0], "Győző K.")
    _helper(org, org.schools[1], "Ágota B.")
    db.session.commit()
    login(client, org.coordinator, Role.COORDINATOR, org.context)
    pid = org.programme.id

    first = client.get(f"/coordination/helpers?programme={pid}").get_data(as_text=True)
    assert "Showing 1–100 of 132" in first
    last = client.get(f"/coordination/helpers?programme={pid}&page=2").get_data(as_text=True)
    assert "Showing 101–132 of 132" in last
    found = client.get(f"/coordination/helpers?programme={pid}&q=gyozo").get_data(as_text=True)
    assert _row_heads(found) == ["Győző K."]
    by_name = client.get(f"/coordination/helpers?programme={pid}&sort=name").get_data(as_text=True)
    assert _row_heads(by_name)[:2] == ["Ágota B.", "Győző K."]
    year = client.get(f"/coordination/helpers?programme={pid}&year=14").get_data(as_text=True)
    assert "Showing 1–21 of 21" in year


def test_audit_log_filters_labels_and_local_time(org: Org, client: FlaskClient) -> None:
    from lms_plugin.coordination.audit import services as audit

    helper = _helper(org, org.schools[0], "Anna K.")
    db.session.flush()
    audit.record(org.coordinator.id, audit.ERASE, helper.id, org.schools[0].id)
    audit.record(org.coordinator.id, audit.VIEW, helper.id, org.schools[0].id)
    entry = db.session.scalars(select(HelperAuditLog)).first()
    assert entry is not None
    entry.at = datetime(2026, 7, 1, 22, 30, tzinfo=UTC)  # 00:30 on 2 July in Budapest (CEST)
    db.session.commit()
    login(client, org.coordinator, Role.COORDINATOR, org.context)

    html = client.get("/coordination/audit").get_data(as_text=True)
    assert "(Budapest time)" in html  # the column heading names the zone once
    assert ">2 Jul 2026 00:30</time>" in html  # local time; the datetime attribute stays UTC
    assert "erased on request" in html and "viewed the record" in html
    assert ">erase<" not in html

    erased = client.get("/coordination/audit?action=erase").get_data(as_text=True)
    assert "Showing 1–1 of 1" in erased
    day = client.get("/coordination/audit?since=2026-07-02&until=2026-07-02").get_data(as_text=True)
    assert "Showing 1–1 of 1" in day
    who = client.get("/coordination/audit?actor=koordinator").get_data(as_text=True)
    assert "Showing 1–2 of 2" in who
    for query in ("since=2026-13-45", "until=x", "action=<script>"):
        assert client.get(f"/coordination/audit?{query}").status_code == 200


def test_hostile_list_arguments_are_a_page_or_a_clear_4xx(org: Org, client: FlaskClient) -> None:
    login(client, org.coordinator, Role.COORDINATOR, org.context)
    hostile = [
        "page=0",
        "page=99999999999999999999",
        "per_page=-5",
        "sort=-",
        "sort=name%00",
        "q=" + "x" * 5000,
        "q=%25%25%5F%5C",
        "school=abc",
        "school_q=" + "é" * 300,
        "status=<script>",
        "year=99",
        "state=../../",
    ]
    pages = [
        "/coordination/schools",
        "/coordination/mentors",
        "/coordination/placements",
        "/coordination/helpers",
        "/coordination/audit",
        "/coordination/",
        "/certificates",
        "/coordination/schools/lookup.json",
    ]
    for page in pages:
        for query in hostile:
            response = client.get(f"{page}?{query}")
            assert response.status_code in (200, 400, 404), (page, query, response.status_code)
