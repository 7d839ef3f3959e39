"""Issue 14 item 14: the launch error page never shows SQL (or any exception text).

A launch whose claims cannot be stored (a lone surrogate in the name; NUL on PostgreSQL) fails in
the database; the person sees a rejection page, the details go to the log only.
"""

from __future__ import annotations

import pytest
from flask import Flask

from tests.practice_platform import PracticeLms
from tests.security import fuzz_targets as ft

LEAKS = ("[SQL", "INSERT INTO", "UPDATE users", "psycopg", "sqlite3", "Traceback", "Error:")


@pytest.mark.parametrize("name", ["\ud800 Anna", "Anna\x00"])
def test_launch_error_page_shows_no_sql(app: Flask, practice_lms: PracticeLms, name: str) -> None:
    fuzzer = ft.practice_fuzzer(app)
    status = fuzzer.launch_signed({"name": name, "given_name": name}, {}, None)
    assert status < 500
    for leak in LEAKS:
        assert leak not in fuzzer.last_body, (leak, fuzzer.last_body[-2000:])
