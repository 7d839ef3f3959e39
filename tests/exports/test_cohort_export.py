"""The trainer's cohort export, opened by a Hungarian trainer: ";" CSV and the same .xlsx."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from lms_plugin.accounts.models import Role
from lms_plugin.courses.content import get_course
from lms_plugin.db import db
from lms_plugin.progress import services
from lms_plugin.progress.models import CourseSummary
from tests.conftest import Factory, login
from tests.exports.reading import (
    FORMULA,
    assert_no_formula,
    assert_same_table,
    csv_rows,
    xlsx_rows,
)
from tests.time_helpers import finish_module


@pytest.fixture
def cohort(app_ctx: Flask, client: FlaskClient, make: Factory, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """A trainer (Hungarian) and two trainees: one finished the first module, one is a formula."""
    monkeypatch.setattr(services, "_assignment_state", lambda user_id, assignment_id: "submitted")
    course = get_course("mentor-30h")
    ctx = make.context()
    trainer = make.user(ctx, Role.TRAINER, name="Nagy Éva")
    anna = make.user(ctx, Role.TRAINEE, name="Kovács Anna")
    make.user(ctx, Role.TRAINEE, name=FORMULA)
    finish_module(anna.id, course, course.core_modules[0])
    services.on_progress_event(anna.id, course.id)
    summary = db.session.scalar(select(CourseSummary).where(CourseSummary.user_id == anna.id))
    assert summary is not None
    # 22:30 UTC on 1 July is 00:30 on 2 July in Budapest (summer time).
    summary.last_activity_at = datetime(2026, 7, 1, 22, 30, tzinfo=UTC)
    db.session.commit()
    login(client, trainer, Role.TRAINER, ctx, lang="hu")
    return client


def test_cohort_csv_for_a_hungarian_trainer(cohort: FlaskClient) -> None:
    table = csv_rows(cohort.get("/progress/cohort.csv?sort=name"), ";")
    head = table[0]
    assert head[:3] == ["Név", "Elindította", "Teljesített órák"]
    assert "Utolsó tevékenység (Europe/Budapest idő szerint)" in head
    anna = next(row for row in table if row[0] == "Kovács Anna")
    assert anna[1] == "igen"  # launched: a word, not True
    assert anna[head.index("Utolsó tevékenység (Europe/Budapest idő szerint)")] == (
        "2026. 07. 02. 00:30"
    )
    first_status = next(i for i, h in enumerate(head) if h.startswith("1. ") and "állapot" in h)
    assert anna[first_status] == "Teljesítve"
    statuses = {row[i] for row in table[1:] for i, h in enumerate(head) if h.endswith("állapot")}
    assert statuses <= {"Teljesítve", "Zárolva", "Nincs elkezdve", "Folyamatban"}, statuses
    assert_no_formula(table, FORMULA)


def test_cohort_xlsx_has_the_same_rows(cohort: FlaskClient) -> None:
    table = csv_rows(cohort.get("/progress/cohort.csv?sort=name"), ";")
    book = xlsx_rows(cohort.get("/progress/cohort.csv?sort=name&format=xlsx"))
    assert_same_table(table, book, "hu")
    last = book[0].index("Utolsó tevékenység (Europe/Budapest idő szerint)")
    anna = next(row for row in book if row[0] == "Kovács Anna")
    assert anna[last] == datetime(2026, 7, 2, 0, 30)  # an Excel time, in Budapest


def test_the_cohort_page_offers_both_formats(cohort: FlaskClient) -> None:
    page = cohort.get("/progress/cohort").get_data(as_text=True)
    assert 'href="/progress/cohort.csv"' in page and "CSV letöltése" in page
    assert 'href="/progress/cohort.csv?format=xlsx"' in page and "Excel (.xlsx)" in page
