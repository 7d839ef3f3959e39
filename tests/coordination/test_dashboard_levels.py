"""The dashboard's figures add up the same way at every level, in a bounded number of queries."""

from __future__ import annotations

import re
from datetime import date

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from lms_plugin.accounts.models import Role
from lms_plugin.coordination.dashboard import services as dashboard
from lms_plugin.coordination.models import School, TrainingCentre
from lms_plugin.coordination.peer_helpers import linking
from lms_plugin.coordination.peer_helpers import services as peer_helpers
from lms_plugin.db import db
from tests.conftest import Factory, login
from tests.coordination.conftest import Org, issue_certificate


def _world(org: Org, make: Factory, extra_schools: int = 0) -> TrainingCentre:
    """A second centre; mentors idle, linked, expiring; helpers waiting and linked."""
    second = TrainingCentre(
        programme_id=org.programme.id, code="GYSZC", name="Győri SZC", municipality="Győr"
    )
    db.session.add(second)
    db.session.flush()
    gyor = [
        School(
            programme_id=org.programme.id,
            centre_id=second.id,
            code=f"G{i}",
            name=f"Győri Technikum {i}",
            municipality="Győr",
            vocational_fields="informatika",
            target_helpers=5,
        )
        for i in range(3 + extra_schools)
    ]
    db.session.add_all(gyor)
    db.session.flush()
    busy = org.mentor(make, org.schools[0])
    org.mentor(make, org.schools[1])  # placed, no helpers
    org.mentor(make, gyor[0])  # placed, no helpers
    soon = org.mentor(make, gyor[1], cert=None)
    issue_certificate(soon.user, expires_in_days=30)
    for i, school in enumerate([org.schools[0], org.schools[0], gyor[0], gyor[2], gyor[2]]):
        helper = peer_helpers.create(
            school,
            peer_helpers.HelperData(
                f"Lili {'ABCDE'[i]}.", 10, "informatika", "hu", date.today(), 2008, "self", True
            ),
            org.coordinator,
        )
        if i == 0:
            linking.link(helper, busy, org.coordinator)
    db.session.commit()
    return second


def _figures(row: dashboard.CoverageRow) -> dict[str, int]:
    return {name: getattr(row, name) for name in dashboard.NUMBERS}


def test_the_same_figures_at_country_centre_and_school(org: Org, make: Factory) -> None:
    _world(org, make)
    country = dashboard.coverage(dashboard.DashboardFilter(org.programme.id))
    summed = dashboard.CoverageRow(0, "")
    for centre_row in country.centres:
        summed.add(centre_row)
        centre = dashboard.coverage(
            dashboard.DashboardFilter(org.programme.id, centre_id=centre_row.id)
        )
        assert _figures(centre.totals) == _figures(centre_row)
        school_sum = dashboard.CoverageRow(0, "")
        for school_row in centre.schools:
            school_sum.add(school_row)
            alone = dashboard.coverage(
                dashboard.DashboardFilter(org.programme.id, school_id=school_row.id)
            )
            assert _figures(alone.totals) == _figures(school_row)
        assert _figures(school_sum) == _figures(centre_row)
    # The country adds trainees with no school yet to "in training" only (said on the page).
    totals = _figures(country.totals)
    totals["in_training"] -= country.trainees_without_school
    assert totals == _figures(summed)
    assert country.totals.idle_mentors == 3 and country.totals.without_mentor == 1
    assert country.totals.expiring == 1 and country.totals.waiting == 4


def test_attention_order_and_the_pages_agree(org: Org, make: Factory, client: FlaskClient) -> None:
    second = _world(org, make)
    cov = dashboard.coverage(dashboard.DashboardFilter(org.programme.id))
    first = dashboard.needing_attention(cov.centres)[0]
    assert first.id == second.id  # a school without a mentor and three helpers waiting
    login(client, org.coordinator, Role.COORDINATOR, org.context)
    country = client.get("/coordination/").get_data(as_text=True)
    attention = country.split('id="attention-table"')[1].split("</table>")[0]
    assert attention.index("Győri SZC") < attention.index("Baranya Vármegyei SZC")
    centre_page = client.get(f"/coordination/?centre={second.id}").get_data(as_text=True)
    kpis = dict(
        (label.strip(), int(n))
        for n, label in re.findall(r"<li><strong>(\d+)</strong> ([^<]+)</li>", centre_page)
    )
    row = next(c for c in cov.centres if c.id == second.id)
    assert kpis["schools with no mentor"] == row.without_mentor
    assert kpis["helpers waiting"] == row.waiting
    assert kpis["mentors without helpers"] == row.idle_mentors


def test_dashboard_queries_do_not_grow_with_schools(
    org: Org, make: Factory, client: FlaskClient, app: Flask
) -> None:
    second = _world(org, make)
    login(client, org.coordinator, Role.COORDINATOR, org.context)
    client.get("/coordination/")
    seen: list[str] = []

    def count() -> int:
        db.session.commit()
        seen.clear()
        response = client.get("/coordination/")
        assert response.status_code == 200
        return len(seen)

    with app.app_context():
        engine = db.engine
    listener = lambda *args: seen.append(str(args[2]))  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        before = count()
        for i in range(20):
            db.session.add(
                School(
                    programme_id=org.programme.id,
                    centre_id=second.id,
                    code=f"N{i}",
                    name=f"Új iskola {i}",
                    municipality="Győr",
                    target_helpers=1,
                )
            )
        after = count()
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert after == before
    assert before <= 25
