"""`lms_plugin.tabular`: the one writer of exports for people (CSV and .xlsx)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal

import openpyxl
from flask import Flask
from flask_babel import force_locale

from lms_plugin.tabular import Column, csv_chunks, csv_text, export_response, xlsx_bytes

COLUMNS = [
    Column("Name"),
    Column("Done"),
    Column("Hours"),
    Column("Started"),
    Column("Last seen", is_time=True),
]
# 22:30 UTC on 31 March 2026 is already 1 April in Budapest (summer time, UTC+2).
ROW = ["=1+1", True, Decimal("2.5"), date(2026, 4, 1), datetime(2026, 3, 31, 22, 30, tzinfo=UTC)]


def test_hungarian_csv_uses_excels_conventions_and_budapest_time(app_ctx: Flask) -> None:
    with force_locale("hu"):
        text = csv_text(COLUMNS, [ROW, [None, False, 1.0, None, None]], "hu")
    assert text.startswith("\ufeff")
    lines = text[1:].split("\r\n")
    assert lines[0] == "Name;Done;Hours;Started;Last seen (Europe/Budapest idő szerint)"
    assert lines[1] == "'=1+1;igen;2,5;2026. 04. 01.;2026. 04. 01. 00:30"
    assert lines[2] == ";nem;1;;"


def test_english_csv_uses_commas_and_iso_like_dates(app_ctx: Flask) -> None:
    with force_locale("en"):
        text = csv_text(COLUMNS, [ROW], "en")
    lines = text[1:].split("\r\n")
    assert lines[0] == "Name,Done,Hours,Started,Last seen (Europe/Budapest time)"
    assert lines[1] == "'=1+1,yes,2.5,2026-04-01,2026-04-01 00:30"


def test_the_programmes_time_zone_is_configuration(app_ctx: Flask) -> None:
    saved = app_ctx.config["BABEL_DEFAULT_TIMEZONE"]
    app_ctx.config["BABEL_DEFAULT_TIMEZONE"] = "Europe/London"
    try:
        with force_locale("en"):
            lines = csv_text(COLUMNS, [ROW], "en")[1:].split("\r\n")
    finally:
        app_ctx.config["BABEL_DEFAULT_TIMEZONE"] = saved
    assert lines[0].endswith("Last seen (Europe/London time)")
    assert lines[1].endswith(",2026-03-31 23:30")


def test_csv_comes_in_pieces_as_rows_are_read(app_ctx: Flask) -> None:
    read: list[int] = []

    def rows() -> Iterator[list[object]]:
        for n in range(5):
            read.append(n)
            yield [f"row {n}", n]

    pieces = csv_chunks([Column("Name"), Column("N")], rows(), "en", rows_per_chunk=2)
    assert next(pieces) == "\ufeffName,N\r\n" and read == []  # headers before any row is read
    assert next(pieces) == "row 0,0\r\nrow 1,1\r\n" and read == [0, 1]
    assert list(pieces) == ["row 2,2\r\nrow 3,3\r\n", "row 4,4\r\n"]


def test_xlsx_has_typed_cells_local_times_and_no_formulas(app_ctx: Flask) -> None:
    with force_locale("hu"):
        body = xlsx_bytes(COLUMNS, [ROW], "hu", sheet="a/b:c")
    sheet = openpyxl.load_workbook(io.BytesIO(body)).worksheets[0]
    assert sheet.title == "a b c"
    assert sheet["E1"].value == "Last seen (Europe/Budapest idő szerint)"
    assert sheet["A2"].value == "=1+1" and sheet["A2"].data_type == "s"  # text, never run
    assert (sheet["B2"].value, sheet["C2"].value) == ("igen", 2.5)
    assert sheet["D2"].value == datetime(2026, 4, 1)
    assert sheet["E2"].value == datetime(2026, 4, 1, 0, 30)


def test_the_response_streams_csv_and_sends_xlsx_from_a_file(app: Flask) -> None:
    with app.test_request_context("/"), force_locale("en"):
        streamed = export_response("a b", COLUMNS, iter([ROW]), lang="en", fmt="csv")
        assert streamed.is_streamed
        assert streamed.headers["Content-Disposition"] == 'attachment; filename="a-b.csv"'
        assert streamed.get_data(as_text=True).startswith("\ufeffName,")
        book = export_response("a b", COLUMNS, iter([ROW]), lang="en", fmt="xlsx")
        body = book.get_data()
        assert book.content_length == len(body) and body.startswith(b"PK")
        assert book.headers["Content-Disposition"] == 'attachment; filename="a-b.xlsx"'
