"""Coordination exports opened by a Hungarian coordinator: the helper list (streamed, audited),
the coverage table, and the schools file that is imported back."""

from __future__ import annotations

from datetime import date

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from lms_plugin.accounts.models import Role
from lms_plugin.coordination.models import HelperAuditLog, PeerHelper
from lms_plugin.coordination.organisation import csv_import as csv_org
from lms_plugin.coordination.peer_helpers import linking
from lms_plugin.coordination.peer_helpers import services as peer_helpers
from lms_plugin.db import db
from tests.conftest import Factory, login
from tests.coordination.conftest import Org
from tests.exports.reading import assert_no_formula, assert_same_table, csv_rows, xlsx_rows

HELPER_FORMULA = "\r=1+1"  # display names are checked in the form; an import could still hold one
SCHOOL_FORMULA = "@SUM(1+1)*cmd|' /C calc'!A0"


@pytest.fixture
def coordinator(org: Org, make: Factory, client: FlaskClient) -> FlaskClient:
    """Three helpers (one linked to a placed mentor, one named like a formula), a school named
    like a formula, and the coordinator signed in in Hungarian."""
    mentor = org.mentor(make)
    helpers = [
        peer_helpers.create(
            org.schools[i % 2],
            peer_helpers.HelperData(
                f"Lili {'ABC'[i]}.", 10, "gépészet", "hu", date(2026, 9, 1), 2008, consent, True
            ),
            org.coordinator,
        )
        for i, consent in enumerate(("self", "guardian", "self"))
    ]
    linking.link(helpers[0], mentor, org.coordinator)
    helpers[2].display_name = HELPER_FORMULA
    org.schools[1].name = SCHOOL_FORMULA
    db.session.commit()
    login(client, org.coordinator, Role.COORDINATOR, org.context, lang="hu")
    return client


def _exported_helpers() -> list[int]:
    return list(
        db.session.scalars(
            select(HelperAuditLog.helper_id).where(HelperAuditLog.action == "export")
        )
    )


def test_helper_csv_for_a_hungarian_coordinator(coordinator: FlaskClient, org: Org) -> None:
    response = coordinator.get(f"/coordination/helpers.csv?programme={org.programme.id}")
    assert response.is_streamed  # 50,000 rows are never held in memory
    table = csv_rows(response, ";")
    assert table[0] == [
        "Segítő azonosítója",
        "Megjelenített név",
        "Évfolyam",
        "Szakma",
        "Iskola",
        "Kezdés dátuma",
        "A hozzájárulást adta",
        "Mentor",
        "Hozzárendelés",
    ]
    rows = {row[1]: row for row in table[1:]}
    assert rows["Lili A."][5] == "2026. 09. 01."  # the Hungarian date, not 2026-09-01
    assert (rows["Lili A."][6], rows["Lili A."][8]) == ("diák", "hozzárendelve")
    assert (rows["Lili B."][6], rows["Lili B."][8]) == ("gondviselő", "várakozik")
    assert not {"self", "guardian", "published", "waiting", "draft"} & {c for r in table for c in r}
    assert_no_formula(table, HELPER_FORMULA)
    assert len(_exported_helpers()) == 3  # the export is audited, one row per helper


def test_helper_xlsx_has_the_same_rows_and_is_audited_too(
    coordinator: FlaskClient, org: Org
) -> None:
    table = csv_rows(
        coordinator.get(f"/coordination/helpers.csv?programme={org.programme.id}"), ";"
    )
    book = xlsx_rows(
        coordinator.get(f"/coordination/helpers.csv?programme={org.programme.id}&format=xlsx")
    )
    assert_same_table(table, book, "hu")
    assert {row[1] for row in book[1:]} >= {"Lili A.", HELPER_FORMULA}  # text, not a formula
    assert len(_exported_helpers()) == 6  # both downloads audited
    assert db.session.scalar(select(PeerHelper.id).limit(1)) is not None


def test_helper_export_keeps_the_list_filters(coordinator: FlaskClient, org: Org) -> None:
    url = f"/coordination/helpers.csv?programme={org.programme.id}&status=waiting&format=xlsx"
    book = xlsx_rows(coordinator.get(url))
    assert len(book) == 3 and {row[8] for row in book[1:]} == {"várakozik"}


def test_coverage_csv_and_xlsx(coordinator: FlaskClient) -> None:
    table = csv_rows(coordinator.get("/coordination/coverage.csv"), ";")
    assert table[0][:5] == ["Szint", "Név", "Centrum", "Település", "Iskolák"]
    levels = {row[0] for row in table[1:]}
    assert levels == {"Centrum", "Iskola"}  # words in the reader's language
    school = next(row for row in table if row[1] == "Zipernowsky Károly Technikum")
    assert school[2] == "Baranya Vármegyei SZC" and school[4] == "1"
    assert_no_formula(table, SCHOOL_FORMULA)
    book = xlsx_rows(coordinator.get("/coordination/coverage.csv?format=xlsx"))
    assert_same_table(table, book, "hu")
    assert next(row for row in book if row[1] == SCHOOL_FORMULA)[4] == 1  # a number in Excel


def test_schools_export_keeps_the_import_columns_and_imports_back(
    coordinator: FlaskClient, org: Org
) -> None:
    response = coordinator.get(f"/coordination/schools/export.csv?programme={org.programme.id}")
    table = csv_rows(response, ";")
    assert table[0] == list(csv_org.COLUMNS)  # the import's names, in either language
    assert_no_formula(table, SCHOOL_FORMULA)
    parsed = csv_org.parse(response.data)
    assert not parsed.errors and {r.school_code for r in parsed.rows} == {"S0", "S1"}


def test_coordination_pages_offer_both_formats(coordinator: FlaskClient, org: Org) -> None:
    helpers = coordinator.get(f"/coordination/helpers?programme={org.programme.id}")
    text = helpers.get_data(as_text=True)
    assert "/coordination/helpers.csv?programme=" in text and "format=xlsx" in text
    dashboard = coordinator.get("/coordination/").get_data(as_text=True)
    assert 'href="/coordination/coverage.csv"' in dashboard
    assert 'href="/coordination/coverage.csv?format=xlsx"' in dashboard
