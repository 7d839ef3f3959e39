"""A Hungarian coordinator downloads the helper list from its page in a real browser: as CSV
(";" between fields, Hungarian headers and words) and as .xlsx (the same rows); each download is
audited once per exported helper."""

from __future__ import annotations

import csv
import io

import openpyxl
from sqlalchemy import func, select

from lms_plugin.accounts.models import User
from lms_plugin.coordination.models import CoordinatorGrant, HelperAuditLog, Programme
from lms_plugin.db import db
from tests.browser import seeding
from tests.browser.journey import Journey
from tests.browser.live_server import LiveServer

HEADERS = [
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


def _coordinator(live: LiveServer) -> str:
    """Gábor coordinates the programme of a school with three waiting helpers; its name."""
    school = seeding.school_with_waiting_helpers(live.app)
    with live.app.app_context():
        programme = db.session.scalars(select(Programme)).first()
        gabor = db.session.scalar(select(User).where(User.sub == "6"))
        assert programme is not None and gabor is not None
        gabor.is_coordinator = True
        db.session.add(CoordinatorGrant(user_id=gabor.id, programme_id=programme.id))
        db.session.commit()
    return school


def _download(journey: Journey, name: str) -> tuple[str, bytes]:
    with journey.page.expect_download() as info:
        journey.tool.get_by_role("link", name=name, exact=True).click()
    path = info.value.path()
    assert path is not None
    return info.value.suggested_filename, path.read_bytes()


def _exports(live: LiveServer) -> int:
    with live.app.app_context():
        found = db.session.scalar(select(func.count()).where(HelperAuditLog.action == "export"))
        return int(found or 0)


def test_coordinator_downloads_the_helper_list_as_csv_and_xlsx(
    journey: Journey, live: LiveServer
) -> None:
    journey.launch("gabor", "home")
    school = _coordinator(live)
    journey.launch("gabor", "coordination")
    journey.click("Kortárs segítők")

    name, body = _download(journey, "CSV letöltése")
    assert name == "peer-helpers.csv"
    assert body.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads the accents
    table = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert table[0] == HEADERS
    assert len(table) == 4 and {row[4] for row in table[1:]} == {school}
    assert {row[8] for row in table[1:]} == {"várakozik"}  # the state as a word, not a code
    assert _exports(live) == 3  # one audit row per exported helper, not per chunk or row read

    name, body = _download(journey, "Excel (.xlsx)")
    assert name == "peer-helpers.xlsx"
    sheet = openpyxl.load_workbook(io.BytesIO(body)).worksheets[0]
    rows = [["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)]
    assert list(rows[0]) == HEADERS
    assert sorted(str(r[1]) for r in rows[1:]) == sorted(r[1] for r in table[1:])
    assert _exports(live) == 6
