"""A training centre's one-page PDF: the dashboard's figures, its language, its reader's scope."""

from __future__ import annotations

import io
import re
from datetime import date

from flask.testing import FlaskClient
from pypdf import PdfReader

from lms_plugin.accounts.models import Role
from lms_plugin.coordination.models import CoordinatorGrant, School, TrainingCentre
from lms_plugin.coordination.peer_helpers import services as peer_helpers
from lms_plugin.db import db
from tests.conftest import Factory, login
from tests.coordination.conftest import Org, issue_certificate


def _helpers(org: Org, school: School, n: int) -> None:
    for i in range(n):
        peer_helpers.create(
            school,
            peer_helpers.HelperData(
                f"Lőrinc {'ABCDEFGH'[i]}.",
                10,
                "informatika",
                "hu",
                date.today(),
                2008,
                "self",
                True,
            ),
            org.coordinator,
        )


def _gyor(org: Org, make: Factory) -> TrainingCentre:
    """A second centre: one school without a mentor and six helpers waiting, one mentor placed
    and idle, one whose certificate expires in 30 days; Baranya has two helpers waiting."""
    centre = TrainingCentre(
        programme_id=org.programme.id, code="GYSZC", name="Győri SZC", municipality="Győr"
    )
    db.session.add(centre)
    db.session.flush()
    schools = [
        School(
            programme_id=org.programme.id,
            centre_id=centre.id,
            code=f"G{i}",
            name=f"Győri Műszaki Technikum {i}",
            municipality="Győr",
            target_helpers=5,
        )
        for i in range(3)
    ]
    db.session.add_all(schools)
    db.session.flush()
    org.mentor(make, schools[0])
    soon = org.mentor(make, schools[1], cert=None)
    issue_certificate(soon.user, expires_in_days=30)
    _helpers(org, schools[2], 6)
    _helpers(org, org.schools[0], 2)
    db.session.commit()
    return centre


def _text(data: bytes) -> tuple[int, str]:
    pages = PdfReader(io.BytesIO(data)).pages
    return len(pages), " ".join(" ".join(p.extract_text() for p in pages).split())


def _kpis(html: str) -> dict[str, int]:
    return {
        label.strip(): int(n)
        for n, label in re.findall(r"<li><strong>(\d+)</strong> ([^<]+)</li>", html)
    }


def test_the_pdf_is_one_page_with_the_dashboards_figures(
    org: Org, make: Factory, client: FlaskClient
) -> None:
    centre = _gyor(org, make)
    login(client, org.coordinator, Role.COORDINATOR, org.context)
    page = client.get(f"/coordination/?centre={centre.id}").get_data(as_text=True)
    assert f"centre-report.pdf?programme={org.programme.id}&amp;centre={centre.id}" in page
    kpis = _kpis(page)
    response = client.get(f"/coordination/centre-report.pdf?centre={centre.id}")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    count, text = _text(response.data)
    assert count == 1
    assert "Coverage report: Győri SZC" in text and org.programme.name in text
    assert f"Schools without a mentor {kpis['schools with no mentor']}" in text
    assert f"Mentors without helpers {kpis['mentors without helpers']}" in text
    assert f"Peer helpers without a mentor {kpis['helpers waiting']}" in text  # 6: printed
    assert (
        f"Certificates expiring within 90 days {kpis['certificates expiring within 90 days']}"
        in text
    )
    assert kpis["schools with no mentor"] == 1 and kpis["helpers waiting"] == 6
    assert (
        kpis["mentors without helpers"] == 2 and kpis["certificates expiring within 90 days"] == 1
    )
    # The school with no mentor and six helpers waiting comes first.
    attention = text.split("need attention first", 1)[1]
    assert attention.index("Győri Műszaki Technikum 2") < attention.index(
        "Győri Műszaki Technikum 0"
    )
    assert "Lőrinc" not in text  # counts only: no helper is named


def test_small_counts_of_helpers_are_suppressed(
    org: Org, make: Factory, client: FlaskClient
) -> None:
    _gyor(org, make)
    login(client, org.coordinator, Role.COORDINATOR, org.context)
    response = client.get(f"/coordination/centre-report.pdf?centre={org.centre.id}")
    _, text = _text(response.data)
    assert "Peer helpers without a mentor < 5" in text  # two helpers wait in Baranya


def test_hungarian_for_a_hungarian_reader(org: Org, make: Factory, client: FlaskClient) -> None:
    centre = _gyor(org, make)
    login(client, org.coordinator, Role.COORDINATOR, org.context, lang="hu")
    response = client.get(f"/coordination/centre-report.pdf?centre={centre.id}")
    assert response.status_code == 200
    _, text = _text(response.data)
    assert "Lefedettségi jelentés: Győri SZC" in text
    assert "Mentor nélküli iskolák 1" in text
    assert "Győri Műszaki Technikum" in text  # ő and ű survive the font
    assert "Dátum:" in text and re.search(r"\d{4}\. \w+ \d{1,2}\.", text)


def test_another_centres_coordinator_gets_404(org: Org, make: Factory, client: FlaskClient) -> None:
    centre = _gyor(org, make)
    baranya_only = make.user(org.context, Role.TRAINEE, name="Pécsi Péter", is_coordinator=True)
    db.session.add(
        CoordinatorGrant(
            user_id=baranya_only.id, programme_id=org.programme.id, centre_id=org.centre.id
        )
    )
    db.session.commit()
    login(client, baranya_only, Role.COORDINATOR, org.context)
    own = client.get(
        f"/coordination/centre-report.pdf?programme={org.programme.id}&centre={org.centre.id}"
    )
    assert own.status_code == 200 and own.data.startswith(b"%PDF")
    other = client.get(
        f"/coordination/centre-report.pdf?programme={org.programme.id}&centre={centre.id}"
    )
    assert other.status_code == 404
    assert b"%PDF" not in other.data and "Győri" not in other.get_data(as_text=True)


def test_no_centre_or_a_bad_one_is_404(org: Org, client: FlaskClient) -> None:
    login(client, org.coordinator, Role.COORDINATOR, org.context)
    assert client.get("/coordination/centre-report.pdf").status_code == 404
    assert client.get("/coordination/centre-report.pdf?centre=999999").status_code == 404
    assert client.get("/coordination/centre-report.pdf?centre=x%00").status_code in (400, 404)
