"""Privacy: retention removes logbook details and keeps the aggregates; a helper's export lists
every row that mentions them; the notice page names purposes, legal bases and retention."""

from __future__ import annotations

from datetime import date

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from lms_plugin.coordination.peer_helpers.services import erase
from lms_plugin.db import db
from lms_plugin.service.logbook import services as logbook
from lms_plugin.service.models import SessionAttendance, SupervisionMeeting, TrainingSession
from lms_plugin.service.outcomes.figures import year_figures
from lms_plugin.service.privacy.retention import remove_details
from tests.service.conftest import Year, as_coordinator, as_mentor


def _session(year: Year, day: date, note: str) -> TrainingSession:
    session = logbook.log_session(
        year.desk(),
        school_id=year.school.id,
        held_on=day,
        topic="s4",
        minutes=90,
        helper_ids=[h.id for h in year.helpers[:2]],
        note=note,
        confirmed=True,
    )
    logbook.log_meeting(
        year.desk(),
        school_id=year.school.id,
        held_on=day,
        format="group",
        cases=3,
        themes=["family"],
        note=note,
        confirmed=True,
    )
    return session


def test_retention_removes_details_and_keeps_the_aggregates(app: Flask, year: Year) -> None:
    old = _session(year, date(2023, 10, 3), "old details")
    new = _session(year, date(2026, 10, 3), "this year's details")
    db.session.commit()
    before = year_figures(year.org.programme, "2023/24").total.coverage
    app.config["SERVICE_DETAIL_RETENTION_YEARS"] = 1
    try:
        removed = remove_details(today=date(2026, 12, 1))
    finally:
        app.config.pop("SERVICE_DETAIL_RETENTION_YEARS")
    db.session.commit()
    assert (removed.sessions, removed.meetings, removed.attendance) == (1, 1, 2)
    db.session.refresh(old)
    db.session.refresh(new)
    assert old.note == "" and old.details_removed_at is not None and old.helpers_present == 2
    assert new.note == "this year's details" and len(new.attendance) == 2
    meetings = db.session.scalars(select(SupervisionMeeting).order_by(SupervisionMeeting.id)).all()
    assert [m.note for m in meetings] == ["", "this year's details"]
    assert meetings[0].cases == 3 and meetings[0].themes == "family"
    after = year_figures(year.org.programme, "2023/24").total.coverage
    assert after == before and after.sessions == 1 and after.meetings == 1


def test_an_erased_helper_leaves_no_attendance_after_retention(year: Year) -> None:
    _session(year, date(2026, 10, 3), "")
    db.session.commit()
    erase(year.helpers[0], year.org.coordinator)
    db.session.commit()
    # PostgreSQL's foreign key already removed the row; SQLite (no FK enforcement) leaves an orphan
    # for retention to remove.
    removed = remove_details(today=date(2026, 12, 1))
    db.session.commit()
    assert removed.orphans == (1 if db.engine.dialect.name == "sqlite" else 0)
    left = db.session.scalars(select(SessionAttendance.helper_id)).all()
    assert left == [year.helpers[1].id]


def test_the_helper_export_lists_every_row_that_mentions_them(
    client: FlaskClient, year: Year
) -> None:
    _session(year, date(2026, 10, 3), "")
    _session(year, date(2026, 10, 10), "")
    db.session.commit()
    as_coordinator(client, year)
    helper = year.helpers[0]
    response = client.get(f"/service/helpers/{helper.id}/export.csv")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert helper.display_name in text
    assert text.count("service_session_attendance") == 2
    assert "2026-10-03" in text and "2026-10-10" in text
    unrelated = year.helpers[2]
    other = client.get(f"/service/helpers/{unrelated.id}/export.csv").get_data(as_text=True)
    assert "service_session_attendance" not in other
    from lms_plugin.coordination.models import HelperAuditLog

    assert db.session.scalar(
        select(func.count()).where(
            HelperAuditLog.helper_id == helper.id, HelperAuditLog.action == "export"
        )
    )


def test_the_notice_page_lists_purposes_bases_and_retention(
    client: FlaskClient, year: Year
) -> None:
    as_mentor(client, year)
    page = client.get("/service/privacy").get_data(as_text=True)
    for words in ("Purpose", "Legal basis", "Retention", "Safeguarding referrals", "GDPR"):
        assert words in page
