"""Table exports for people: CSV in the locale's convention, or .xlsx, from the same rows.

A Hungarian Excel reads CSV with ";" between fields and "," in decimals; an English one "," and
".". Times are written in the programme's time zone (BABEL_DEFAULT_TIMEZONE), and the header of a
time column says which. Text cells go through `csv_export.safe_cell` (CSV) or are written as
strings (XLSX: `write_string`, never a formula), so a name typed by a user never runs in a
spreadsheet. The .xlsx is written with XlsxWriter in constant-memory mode (rows stream to a
temporary file, not a worksheet held in memory).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import xlsxwriter
from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal
from flask import Response
from flask_babel import gettext as _

from lms_plugin.csv_export import BOM, SafeCsv
from lms_plugin.i18n import programme_zone

FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DELIMITERS = {"hu": ";"}  # Excel's list separator in the locale; "," elsewhere
DATETIME_PATTERNS = {"hu": "yyyy. MM. dd. HH:mm", "en": "yyyy-MM-dd HH:mm"}
DATE_PATTERNS = {"hu": "yyyy. MM. dd.", "en": "yyyy-MM-dd"}
XLSX_DATETIME = {"hu": "yyyy.mm.dd hh:mm", "en": "yyyy-mm-dd hh:mm"}
XLSX_DATE = {"hu": "yyyy.mm.dd", "en": "yyyy-mm-dd"}


@dataclass(frozen=True)
class Column:
    """A column: its header (already in the reader's language) and whether it holds times."""

    label: str
    is_time: bool = False


zone = programme_zone  # the programme's time zone


def header(column: Column) -> str:
    if column.is_time:
        return _("%(label)s (%(zone)s time)", label=column.label, zone=zone().key)
    return column.label


def local_day(value: datetime) -> date:
    """The calendar day of a moment in the programme's zone (a certificate's issue date)."""
    return _local(value).date()


def _local(value: datetime) -> datetime:
    if value.tzinfo is None:  # stored UTC without a zone (SQLite)
        from datetime import UTC

        value = value.replace(tzinfo=UTC)
    return value.astimezone(zone())


def text_cell(value: object, lang: str) -> object:
    """A cell as the CSV shows it in `lang`."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime):
        pattern = DATETIME_PATTERNS.get(lang, DATETIME_PATTERNS["en"])
        return format_datetime(_local(value), pattern, locale=lang)
    if isinstance(value, date):
        return format_date(value, DATE_PATTERNS.get(lang, DATE_PATTERNS["en"]), locale=lang)
    if isinstance(value, float):
        return format_decimal(value, locale=lang)
    return value


def csv_text(columns: Sequence[Column], rows: Iterable[Sequence[object]], lang: str) -> str:
    """The whole CSV (UTF-8 with BOM for Excel) in the locale's convention."""
    writer = SafeCsv(delimiter=DELIMITERS.get(lang, ","))
    writer.writerow([header(c) for c in columns])
    for row in rows:
        writer.writerow([text_cell(v, lang) for v in row])
    return BOM + writer.take()


_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def xlsx_bytes(
    columns: Sequence[Column], rows: Iterable[Sequence[object]], lang: str, sheet: str
) -> bytes:
    """The same table as an .xlsx workbook: numbers as numbers, times as Excel times."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer, {"constant_memory": True, "in_memory": False, "remove_timezone": True}
    )
    bold = book.add_format({"bold": True})
    stamp = book.add_format({"num_format": XLSX_DATETIME.get(lang, XLSX_DATETIME["en"])})
    day = book.add_format({"num_format": XLSX_DATE.get(lang, XLSX_DATE["en"])})
    name = (_SHEET_BAD.sub(" ", sheet).strip() or "Sheet1")[:31]
    ws = book.add_worksheet(name)
    for x, column in enumerate(columns):
        ws.write_string(0, x, header(column), bold)
        ws.set_column(x, x, min(max(len(header(column)) + 2, 10), 40))
    for y, row in enumerate(rows, start=1):
        for x, value in enumerate(row):
            _write(ws, y, x, value, lang, stamp, day)
    ws.freeze_panes(1, 0)
    book.close()
    return buffer.getvalue()


def _write(ws: Any, y: int, x: int, value: object, lang: str, stamp: Any, day: Any) -> None:
    if value is None or value == "":
        ws.write_blank(y, x, None)
    elif isinstance(value, bool):
        ws.write_string(y, x, str(text_cell(value, lang)))
    elif isinstance(value, int | float):
        ws.write_number(y, x, value)
    elif isinstance(value, datetime):
        ws.write_datetime(y, x, _local(value).replace(tzinfo=None), stamp)
    elif isinstance(value, date):
        ws.write_datetime(y, x, datetime(value.year, value.month, value.day), day)
    else:
        ws.write_string(y, x, str(value))


def export_response(
    stem: str,
    columns: Sequence[Column],
    rows: Iterable[Sequence[object]],
    *,
    lang: str,
    fmt: str,
) -> Response:
    """A download of the table: `stem.csv` or `stem.xlsx` (unknown formats are CSV)."""
    safe_stem = re.sub(r"[^A-Za-z0-9_.-]+", "-", stem).strip("-") or "export"
    if fmt == "xlsx":
        body = xlsx_bytes(columns, rows, lang, sheet=safe_stem)
        response = Response(body, mimetype=XLSX_TYPE)
        filename = f"{safe_stem}.xlsx"
    else:
        response = Response(
            csv_text(columns, rows, lang).encode("utf-8"), content_type="text/csv; charset=utf-8"
        )
        filename = f"{safe_stem}.csv"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
