"""A coordinator's service year in a real browser: a term of indicators imported (one bad row →
nothing imported, the row named; then the corrected file), a drill from the programme to a
school, and the year report downloaded in Hungarian and English whose totals equal the page's."""

from __future__ import annotations

import io
import re
from datetime import date

import openpyxl
from sqlalchemy import delete, select

from lms_plugin.accounts.models import User
from lms_plugin.coordination.models import CoordinatorGrant, Programme, School
from lms_plugin.db import db
from lms_plugin.jobs.services import run_due_jobs
from lms_plugin.service.choices import school_year_of
from lms_plugin.service.models import OutcomeFigures
from tests.browser import seeding
from tests.browser.journey import Journey
from tests.browser.live_server import LiveServer

HEADER = "school_code;term;enrolled;at_risk;avg_unjustified_absence;grade_repetitions;left_school"


def _seed(live: LiveServer) -> tuple[str, str]:
    """Gábor coordinates the demo programme; returns (school code, school name)."""
    school_name = seeding.school_with_waiting_helpers(live.app)
    with live.app.app_context():
        programme = db.session.scalars(select(Programme)).first()
        assert programme is not None
        gabor = db.session.scalar(select(User).where(User.sub == "6"))
        assert gabor is not None
        gabor.is_coordinator = True
        db.session.add(CoordinatorGrant(user_id=gabor.id, programme_id=programme.id))
        school = db.session.scalar(select(School).where(School.name == school_name))
        assert school is not None
        db.session.execute(delete(OutcomeFigures))
        db.session.commit()
        return school.code, school.name


def _undo(live: LiveServer) -> None:
    with live.app.app_context():
        gabor = db.session.scalar(select(User).where(User.sub == "6"))
        if gabor is not None:
            gabor.is_coordinator = False
            db.session.execute(delete(CoordinatorGrant).where(CoordinatorGrant.user_id == gabor.id))
            db.session.commit()


def _upload(journey: Journey, text: str) -> None:
    journey.tool.locator("input[type=file]").set_input_files(
        files=[{"name": "felev.csv", "mimeType": "text/csv", "buffer": text.encode("utf-8")}]
    )
    journey.click("A fájl ellenőrzése", role="button")


def _report(journey: Journey, label: str) -> bytes:
    journey.click(label, role="button")
    run_due_jobs(journey.live.app)
    download = journey.tool.locator("#job-download")
    download.wait_for(state="visible")
    with journey.page.expect_download() as info:
        download.click()
    path = info.value.path()
    assert path is not None
    return path.read_bytes()


def test_coordinator_imports_drills_and_downloads_the_report(
    journey: Journey, live: LiveServer
) -> None:
    journey.launch("gabor", "home")
    code, name = _seed(live)
    year = school_year_of(date.today())
    try:
        journey.launch("gabor", "coordination")
        journey.click("Eredmények", exact=True)
        assert "A program eredményei" in journey.heading()
        journey.axe("outcomes")
        bad = f"{HEADER}\n{code};{year}-1;420;35;12,5;8;6\n{code};{year}-2;420;500;11;7;5\n"
        _upload(journey, bad)
        errors = journey.tool.locator("#errors").inner_text()
        assert re.search(r"3\s+at_risk", errors), errors
        journey.shoot("import-errors")
        with live.app.app_context():
            assert db.session.scalars(select(OutcomeFigures)).all() == []
        journey.click("Mégse")
        good = f"{HEADER}\n{code};{year}-1;420;35;12,5;8;6\n{code};{year}-2;420;29;11;7;5\n"
        _upload(journey, good)
        journey.click("2 sor importálása", role="button")
        assert "Importálva: 2 új" in journey.text()

        journey.click("Szegedi Szakképzési Centrum")
        journey.click(name)
        assert name in journey.text()
        journey.shoot("outcomes-school")
        journey.axe("outcomes-school")
        totals = journey.tool.locator("#totals td").all_inner_texts()
        assert totals[6:9] == ["35", "29", "-6"]

        drilled = journey.frame().url
        xlsx = _report(journey, "Jelentés (magyar, xlsx)")
        sheet = openpyxl.load_workbook(io.BytesIO(xlsx)).active
        cells = {str(r[0]): r[1:] for r in sheet.iter_rows(values_only=True) if r and r[0]}
        assert cells["Felkészítő alkalmak"][0] == int(totals[2])
        journey.frame().goto(drilled)
        journey.wait_for_tool()
        pdf = _report(journey, "Jelentés (English, pdf)")
        assert pdf.startswith(b"%PDF")
        from pypdf import PdfReader

        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
        assert "year report" in text and "35" in text and "29" in text
    finally:
        _undo(live)
