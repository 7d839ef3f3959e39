"""Table exports for people: CSV in the locale's convention, or .xlsx, from the same rows.

A Hungarian Excel reads CSV with ";" between fields and "," in decimals; an English one "," and
".". Times are written in the programme's time zone (BABEL_DEFAULT_TIMEZONE), and the header of a
time column says which. Text cells go through `csv_export.safe_cell` (CSV) or are written as
strings (XLSX: `write_string`, never a formula), so a name typed by a user never runs in a
spreadsheet. The CSV is streamed (`csv_chunks`: a few thousand rows a piece, never the whole
file in memory); the .xlsx is written with XlsxWriter in constant-memory mode into a temporary file
(a zip cannot be streamed before its last row), then sent from that file in pieces.
"""

from __future__ import annotations

import io
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cache
from typing import IO, Any
from zoneinfo import ZoneInfo

import xlsxwriter
from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal
from flask import Response, has_request_context, stream_with_context
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


def _local(value: datetime, where: ZoneInfo | None = None) -> datetime:
    if value.tzinfo is None:  # stored UTC without a zone (SQLite)
        value = value.replace(tzinfo=UTC)
    return value.astimezone(where or zone())


def cell_texts(lang: str) -> Callable[[object], object]:
    """A function writing one cell as the CSV shows it in `lang`, for one export: each day and
    each minute is formatted once (Babel's formatting is the costly part of 50,000 rows)."""
    where = zone()
    yes, no = _("yes"), _("no")
    day_pattern = DATE_PATTERNS.get(lang, DATE_PATTERNS["en"])
    time_pattern = DATETIME_PATTERNS.get(lang, DATETIME_PATTERNS["en"])

    @cache
    def day(value: date) -> str:
        return str(format_date(value, day_pattern, locale=lang))

    @cache
    def minute(value: datetime) -> str:
        return str(format_datetime(value, time_pattern, locale=lang))

    def text(value: object) -> object:
        kind = type(value)
        if kind is str or kind is int:  # most cells: nothing to do
            return value
        if value is None:
            return ""
        if kind is bool:
            return yes if value else no
        if isinstance(value, datetime):
            return minute(_local(value, where).replace(second=0, microsecond=0))
        if isinstance(value, date):
            return day(value)
        if isinstance(value, float | Decimal):
            return format_decimal(value, locale=lang)
        return value

    return text


def text_cell(value: object, lang: str) -> object:
    """A cell as the CSV shows it in `lang`."""
    return cell_texts(lang)(value)


def delimiter(lang: str) -> str:
    """The field separator a spreadsheet in `lang` expects."""
    return DELIMITERS.get(lang, ",")


def csv_chunks(
    columns: Sequence[Column],
    rows: Iterable[Sequence[object]],
    lang: str,
    *,
    rows_per_chunk: int = 2000,
) -> Iterator[str]:
    """The CSV (UTF-8 with BOM for Excel, the locale's convention) in pieces: the headers, then
    `rows_per_chunk` rows at a time, so a response can stream rows as they are read."""
    writer = SafeCsv(delimiter=delimiter(lang))
    writer.writerow([header(c) for c in columns])
    yield BOM + writer.take()
    text = cell_texts(lang)
    waiting = 0
    for row in rows:
        writer.writerow([text(v) for v in row])
        waiting += 1
        if waiting == rows_per_chunk:
            yield writer.take()
            waiting = 0
    if waiting:
        yield writer.take()


def csv_text(columns: Sequence[Column], rows: Iterable[Sequence[object]], lang: str) -> str:
    """The whole CSV (UTF-8 with BOM for Excel) in the locale's convention."""
    return "".join(csv_chunks(columns, rows, lang))


_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def xlsx_bytes(
    columns: Sequence[Column], rows: Iterable[Sequence[object]], lang: str, sheet: str
) -> bytes:
    """The same table as an .xlsx workbook: numbers as numbers, times as Excel times."""
    buffer = io.BytesIO()
    write_xlsx(buffer, columns, rows, lang, sheet)
    return buffer.getvalue()


def xlsx_file(
    columns: Sequence[Column], rows: Iterable[Sequence[object]], lang: str, sheet: str
) -> IO[bytes]:
    """The workbook in a temporary file (deleted when closed), read from its start."""
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - closed by the response that sends it
    write_xlsx(handle, columns, rows, lang, sheet)
    handle.seek(0)
    return handle


def write_xlsx(
    target: IO[bytes],
    columns: Sequence[Column],
    rows: Iterable[Sequence[object]],
    lang: str,
    sheet: str,
) -> None:
    """Write the table as an .xlsx workbook to `target`; rows go to a temporary file as they
    come (constant memory), the workbook is assembled from it at the end."""
    book = xlsxwriter.Workbook(
        target, {"constant_memory": True, "in_memory": False, "remove_timezone": True}
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


def _write(ws: Any, y: int, x: int, value: object, lang: str, stamp: Any, day: Any) -> None:
    if value is None or value == "":
        ws.write_blank(y, x, None)
    elif isinstance(value, bool):
        ws.write_string(y, x, str(text_cell(value, lang)))
    elif isinstance(value, int | float | Decimal):
        ws.write_number(y, x, float(value) if isinstance(value, Decimal) else value)
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
    """A download of the table: `stem.csv` or `stem.xlsx` (unknown formats are CSV).

    The CSV is streamed while `rows` are read (pass a generator for a large table); the .xlsx
    is built first in a temporary file and sent from it."""
    safe_stem = re.sub(r"[^A-Za-z0-9_.-]+", "-", stem).strip("-") or "export"
    if fmt == "xlsx":
        handle = xlsx_file(columns, rows, lang, sheet=safe_stem)
        size = handle.seek(0, io.SEEK_END)
        handle.seek(0)
        response = Response(_file_pieces(handle), mimetype=XLSX_TYPE)
        response.content_length = size
        filename = f"{safe_stem}.xlsx"
    else:
        pieces = (piece.encode("utf-8") for piece in csv_chunks(columns, rows, lang))
        body = stream_with_context(pieces) if has_request_context() else pieces
        response = Response(body, content_type="text/csv; charset=utf-8")
        filename = f"{safe_stem}.csv"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _file_pieces(handle: IO[bytes], size: int = 64 * 1024) -> Iterator[bytes]:
    """The file's bytes a piece at a time; the file is closed (and deleted) at the end."""
    try:
        while piece := handle.read(size):
            yield piece
    finally:
        handle.close()
