"""The certificate register export, opened by a Hungarian coordinator: ";" CSV and the .xlsx."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask.testing import FlaskClient

from lms_plugin.accounts.models import Role
from lms_plugin.courses.content import get_course, localized
from lms_plugin.db import db
from tests.conftest import Factory, login
from tests.coordination.conftest import Org, issue_certificate
from tests.exports.reading import (
    FORMULA,
    assert_no_formula,
    assert_same_table,
    csv_rows,
    xlsx_rows,
)

HEAD = [
    "Tanúsítványszám",
    "Tulajdonos",
    "Kurzus",
    "Kurzusváltozat",
    "Időszak",
    "Kiállítva",
    "Érvényes eddig",
    "Állapot",
    "A visszavonás oka",
    "Ellenőrző hivatkozás",
]


@pytest.fixture
def register(org: Org, make: Factory, client: FlaskClient) -> FlaskClient:
    """A valid certificate issued late on 31 March (UTC) and a revoked one held by a formula."""
    valid = issue_certificate(make.user(org.context, Role.TRAINEE, name="Őrsi Űrsula"))
    valid.issued_at = datetime(2026, 3, 31, 22, 30, tzinfo=UTC)  # 1 April 00:30 in Budapest
    valid.expires_at = datetime(2029, 3, 31, 22, 30, tzinfo=UTC)
    revoked = issue_certificate(make.user(org.context, Role.TRAINEE), "revoked")
    revoked.holder_name = FORMULA
    revoked.revoked_reason = "Hibás adatok"
    db.session.commit()
    login(client, org.coordinator, Role.COORDINATOR, org.context, lang="hu")
    return client


def test_register_csv_for_a_hungarian_coordinator(register: FlaskClient) -> None:
    table = csv_rows(register.get("/certificates.csv"), ";")
    head = table[0]
    assert head == HEAD
    rows = {row[1]: dict(zip(head, row, strict=True)) for row in table[1:]}
    valid = rows["Őrsi Űrsula"]
    assert valid["Kiállítva"] == "2026. 04. 01."  # the day in Budapest, Hungarian format
    assert valid["Érvényes eddig"] == "2029. 04. 01."
    assert valid["Állapot"] == "érvényes"  # a word, never the code "valid"
    assert valid["Kurzus"] == localized(get_course("mentor-30h").title, "hu")
    revoked = rows["'" + FORMULA]
    assert (revoked["Állapot"], revoked["A visszavonás oka"]) == ("visszavonva", "Hibás adatok")
    assert_no_formula(table, FORMULA)


def test_register_xlsx_has_the_same_rows(register: FlaskClient) -> None:
    table = csv_rows(register.get("/certificates.csv"), ";")
    book = xlsx_rows(register.get("/certificates.csv?format=xlsx"))
    assert_same_table(table, book, "hu")
    valid = next(row for row in book if row[1] == "Őrsi Űrsula")
    assert valid[5] == datetime(2026, 4, 1)  # an Excel date: the day in Budapest


def test_register_english_csv_uses_commas(register: FlaskClient, org: Org) -> None:
    login(register, org.coordinator, Role.COORDINATOR, org.context, lang="en")
    table = csv_rows(register.get("/certificates.csv"), ",")
    assert table[0][:2] == ["Certificate number", "Holder"]
    assert {row[7] for row in table[1:]} == {"valid", "revoked"}  # English words


def test_the_register_page_offers_both_formats(register: FlaskClient) -> None:
    page = register.get("/certificates").get_data(as_text=True)
    assert 'href="/certificates.csv"' in page
    assert 'href="/certificates.csv?format=xlsx"' in page and "Excel (.xlsx)" in page
