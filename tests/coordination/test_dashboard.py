"""The coverage dashboard: figures, filters, charts without inline styles, CSV exports."""

from __future__ import annotations

import csv
import io
from datetime import date

from flask.testing import FlaskClient

from lms_plugin.accounts.models import Role
from lms_plugin.coordination.dashboard import services as dashboard
from lms_plugin.coordination.peer_helpers import linking
from lms_plugin.coordination.peer_helpers import services as peer_helpers
from lms_plugin.db import db
from tests.conftest import Factory, login
from tests.coordination.conftest import Org, issue_certificate


def _setup(org: Org, make: Factory) -> None:
    mentor = org.mentor(make)
    org.mentor(make, placed=False, cert=None)  # in training, home school 0
    soon = org.mentor(make, placed=False, cert=None)
    issue_certificate(soon.user, expires_in_days=30)
    helpers = [
        peer_helpers.create(
            org.schools[i % 2],
            peer_helpers.HelperData(
                f"Lili {'ABC'[i]}.",
                9,
                "gépészet",
                "hu",
                date.today(),
                date.today().year - 18,
                "self",
                True,
            ),
            org.coordinator,
        )
        for i in range(3)
    ]
    linking.link(helpers[0], mentor, org.coordinator)
    db.session.commit()


def test_coverage_figures(org: Org, make: Factory) -> None:
    _setup(org, make)
    cov = dashboard.coverage(dashboard.DashboardFilter(org.programme.id))
    by_name = {s.name: s for s in cov.schools}
    pecs, komlo = by_name["Zipernowsky Károly Technikum"], by_name["Komlói Technikum"]
    assert (
        pecs.name,
        pecs.certified,
        pecs.in_training,
        pecs.placed,
        pecs.linked,
        pecs.waiting,
        pecs.expiring,
    ) == ("Zipernowsky Károly Technikum", 2, 1, 1, 1, 1, 1)
    assert (komlo.placed, komlo.without_mentor, komlo.waiting) == (0, 1, 1)
    (centre,) = cov.centres
    assert (centre.schools, centre.without_mentor, centre.linked, centre.waiting) == (2, 1, 1, 2)

    only_komlo = dashboard.coverage(
        dashboard.DashboardFilter(org.programme.id, municipality="Komló")
    )
    assert [s.name for s in only_komlo.schools] == ["Komlói Technikum"]
    assert (
        dashboard.coverage(dashboard.DashboardFilter(org.programme.id, field="szociális")).schools
        == []
    )
    assert (
        len(
            dashboard.coverage(
                dashboard.DashboardFilter(org.programme.id, field="gépészet")
            ).schools
        )
        == 2
    )


def test_dashboard_page_and_csv(org: Org, make: Factory, client: FlaskClient) -> None:
    _setup(org, make)
    login(client, org.coordinator, Role.COORDINATOR, org.context)
    response = client.get("/coordination/")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "vendor/chartjs/chart.umd.min.js" in page and "style=" not in page
    assert "Baranya Vármegyei SZC" in page and "schools with no mentor" in page

    response = client.get(
        f"/coordination/coverage.csv?programme={org.programme.id}&municipality=Pécs"
    )
    assert response.status_code == 200
    # The reader's language (English here): its separator, headers and words.
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=","))
    assert [(r["Level"], r["Name"]) for r in rows] == [
        ("Centre", "Baranya Vármegyei SZC"),
        ("School", "Zipernowsky Károly Technikum"),
    ]
    assert rows[1]["Linked"] == "1" and rows[1]["Expiring"] == "1"


def test_helper_csv_export_is_streamed_and_complete(
    org: Org, make: Factory, client: FlaskClient
) -> None:
    _setup(org, make)
    login(client, org.coordinator, Role.COORDINATOR, org.context, lang="hu")
    response = client.get(f"/coordination/helpers.csv?programme={org.programme.id}")
    assert response.status_code == 200
    assert response.is_streamed
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 3
    assert {r["Hozzárendelés"] for r in rows} == {"hozzárendelve", "várakozik"}  # words, not codes
    assert "email" not in ";".join(rows[0].keys())
    waiting = client.get(f"/coordination/helpers.csv?programme={org.programme.id}&status=waiting")
    assert len(waiting.data.decode("utf-8-sig").strip().splitlines()) == 3  # header + 2


def test_drill_down_from_country_to_centre_to_school(
    org: Org, make: Factory, client: FlaskClient
) -> None:
    _setup(org, make)
    login(client, org.coordinator, Role.COORDINATOR, org.context)
    country = client.get("/coordination/").get_data(as_text=True)
    assert "centres that need attention first" in country
    assert f"centre={org.centre.id}" in country
    centre = client.get(f"/coordination/?centre={org.centre.id}").get_data(as_text=True)
    assert "schools that need attention first" in centre
    assert 'class="breadcrumb-item"' in centre
    komlo = org.schools[1]
    school = client.get(f"/coordination/?school={komlo.id}").get_data(as_text=True)
    assert "Coverage: Komlói Technikum" in school
    assert f"/coordination/mentors?programme={org.programme.id}&amp;school={komlo.id}" in school
    chart = client.get(f"/coordination/coverage.json?centre={org.centre.id}").get_json()
    assert chart["labels"] and [d["label"] for d in chart["datasets"]] == [
        "helpers linked",
        "helpers waiting",
    ]
    assert client.get("/coordination/?centre=999999").status_code == 404
    assert client.get("/coordination/?school=999999").status_code == 404
