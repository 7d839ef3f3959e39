"""The one CSV writer every export uses: spreadsheet formulas in cells are neutralised.

A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is read by Excel and
LibreOffice as a formula (`=HYPERLINK(...)` in a helper's name runs when a coordinator opens the
file), so such text is prefixed with `'`, which the spreadsheet shows as plain text (OWASP "CSV
injection"). Numbers, dates and None are written as they are: they are ours, not typed by users.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

BOM = "\ufeff"  # Excel reads UTF-8 only when the file starts with it
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """`value`, with text that a spreadsheet would run as a formula turned into plain text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class SafeCsv:
    """A csv.writer over a buffer whose every cell goes through `safe_cell`.

    Write rows, then `take()` the text written since the last take (for streamed responses).
    The delimiter is a parameter: exports meant for Excel in Hungary use ";".
    """

    def __init__(self, *, delimiter: str = ",", lineterminator: str = "\r\n") -> None:
        self._buffer = io.StringIO()
        self._writer = csv.writer(self._buffer, delimiter=delimiter, lineterminator=lineterminator)

    def writerow(self, row: Iterable[object]) -> None:
        """Write one row."""
        self._writer.writerow([safe_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        """Write many rows."""
        for row in rows:
            self.writerow(row)

    def take(self) -> str:
        """The text written since the last call, and an empty buffer."""
        text = self._buffer.getvalue()
        self._buffer.seek(0)
        self._buffer.truncate()
        return text
