"""The year report: a background job whose totals equal the dashboard's and the raw rows'."""

from __future__ import annotations

import io
import re
from datetime import date

import openpyxl
from flask import Flask, current_app
from flask.testing import FlaskClient
from sqlalchemy import func, select

from lms_plugin.db import db
from lms_plugin.jobs.services import run_due_jobs
from lms_plugin.service.logbook import services as logbook
from lms_plugin.service.models import ContactCount, TrainingSession
from lms_plugin.service.outcomes import services as outcomes
from lms_plugin.service.referrals import services as referrals
from tests.service.conftest import Year, as_coordinator, as_mentor

DAY = date(2026, 10, 6)


def _fill(year: Year) -> None:
    desk = year.desk()
    ids = [h.id for h in year.helpers]
    for n, topic in enumerate(("s1", "s2", "s3", "extra")):
        logbook.log_session(
            desk,
            school_id=year.school.id,
            held_on=DAY.replace(day=6 + n),
            topic=topic,
            minutes=90 if topic != "extra" else 45,
            helper_ids=ids[: 1 + n % 3],
            note="",
        )
    logbook.log_meeting(
        desk,
        school_id=year.school.id,
        held_on=DAY,
        format="group",
        cases=2,
        themes=["family"],
        note="",
    )
    logbook.save_summary(
        desk,
        school_id=year.school.id,
        month=date(2026, 10, 1),
        counts={("talk", "learning"): 7, ("group", "bullying"): 5, ("info", "family"): 2},
    )
    for _i in range(6):
        referrals.record(
            desk,
            school_id=year.school.id,
            category="mental",
            urgency="soon",
            recipient="psychologist",
            opened_on=DAY,
        )
    for school, (enrolled, at_risk) in zip(year.org.schools, ((420, 35), (300, 22)), strict=True):
        outcomes.save(school, "2026/27-1", outcomes.Figures(enrolled, at_risk, 12.0, 8, 6), None)
        outcomes.save(
            school, "2026/27-2", outcomes.Figures(enrolled, at_risk - 5, 10.0, 7, 5), None
        )
    db.session.commit()


def _dashboard_totals(client: FlaskClient, year: Year) -> list[str]:
    page = client.get(f"/service/outcomes?programme={year.org.programme.id}&year=2026/27").get_data(
        as_text=True
    )
    table = page[page.index('id="totals"') :]
    table = table[: table.index("</table>")]
    return re.findall(r"<td>([^<]*)</td>", table)


def test_the_report_totals_equal_the_dashboard_and_the_rows(
    app: Flask, client: FlaskClient, year: Year
) -> None:
    _fill(year)
    as_coordinator(client, year)
    dashboard = _dashboard_totals(client, year)
    queued = client.post(
        f"/service/report?programme={year.org.programme.id}&year=2026/27&fmt=xlsx",
        data={"lang": "en"},
    )
    assert queued.status_code == 303
    assert run_due_jobs(current_app._get_current_object()) == 1
    state = client.get(queued.headers["Location"] + ".json").get_json()
    download = client.get(state["download_url"])
    assert download.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(download.data)).active
    values = {
        str(row[0]): row[1:]
        for row in sheet.iter_rows(values_only=True)
        if row and row[0] is not None
    }
    # recomputed from the raw rows
    sessions = db.session.scalar(select(func.count()).select_from(TrainingSession))
    minutes = db.session.scalar(select(func.sum(TrainingSession.minutes)))
    contacts = db.session.scalar(select(func.sum(ContactCount.count)))
    assert values["Helper-training sessions"][0] == sessions == int(dashboard[2])
    assert values["Hours of helper training"][0] == round(minutes / 60, 1) == float(dashboard[3])
    assert values["All"][0] == contacts == int(dashboard[4]) == 14
    assert values["Mentor placements"][0] == int(dashboard[0])
    assert values["Peer helpers prepared (linked to a mentor)"][0] == int(dashboard[1]) == 3
    assert values["Peer helpers active (at a training session this year)"][0] == 3
    # the scope's outcome line: at risk 57 → 47, the same on the dashboard
    scope_line = next(r for k, r in values.items() if k == year.org.programme.name)
    assert scope_line[0:4] == ("720", "720", "57", "47")
    assert dashboard[6:9] == ["57", "47", "-10"]
    assert values["Other mental-health concern"][:3] == ("6", "0", "0")


def test_the_pdf_report_in_hungarian(app: Flask, client: FlaskClient, year: Year) -> None:
    _fill(year)
    as_coordinator(client, year)
    queued = client.post(
        f"/service/report?programme={year.org.programme.id}&year=2026/27&fmt=pdf",
        data={"lang": "hu"},
    )
    assert queued.status_code == 303
    assert run_due_jobs(current_app._get_current_object()) == 1
    state = client.get(queued.headers["Location"] + ".json").get_json()
    download = client.get(state["download_url"])
    assert download.data.startswith(b"%PDF")
    from pypdf import PdfReader

    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(download.data)).pages)
    assert "éves jelentés" in text and "2026/27" in text


def test_small_counts_are_suppressed_in_the_report(
    app: Flask, client: FlaskClient, year: Year
) -> None:
    outcomes.save(year.school, "2026/27-1", outcomes.Figures(400, 3, 9.0, 2, 1), None)
    db.session.commit()
    as_coordinator(client, year)
    client.post(
        f"/service/report?programme={year.org.programme.id}&year=2026/27&fmt=xlsx",
        data={"lang": "en"},
    )
    assert run_due_jobs(current_app._get_current_object()) == 1
    from lms_plugin.jobs.models import Job

    job = db.session.scalars(select(Job)).one()
    state = client.get(f"/jobs/{job.id}.json").get_json()
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(state["download_url"]).data)).active
    line = next(
        r for r in sheet.iter_rows(values_only=True) if r and r[0] == year.school.name and r[1]
    )
    assert line[1:4] == ("400", "–", "< 5")  # enrolled, term 2 missing, at risk 3 suppressed
    assert "3" not in [str(v) for v in line[3:]]


def test_hostile_parameters_get_a_page_not_a_500(client: FlaskClient, year: Year) -> None:
    as_mentor(client, year)
    for url in (
        "/service/?year=<script>",
        "/service/summary?month=9999-99&school=abc",
        "/service/summary?month=2026-1",
    ):
        assert client.get(url).status_code == 200, url
    assert client.post("/service/referrals/1/status", data={"status": "x"}).status_code == 404
    as_coordinator(client, year)
    for url in (
        "/service/outcomes?year=2026/99&centre=abc&school=99999999999999999999",
        "/service/outcomes/entry?school=abc",
        "/service/outcomes/entry?school=999999&term=x",
    ):
        assert client.get(url).status_code in (200, 404), url
    assert (
        client.post(
            f"/service/outcomes/import/confirm?programme={year.org.programme.id}",
            data={"payload": "%%%"},
        ).status_code
        == 400
    )
