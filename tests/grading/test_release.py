"""Release: the outbox row for Moodle, delivery status on the page, progress, and the CSV export."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select

from lms_plugin.accounts.models import Role
from lms_plugin.db import db
from lms_plugin.grading import services
from lms_plugin.grading.models import Submission
from lms_plugin.grading.release import plain_comment, release
from lms_plugin.grading.workflow import Marking, save_grade
from lms_plugin.lti.outbox_models import ScoreDelivery
from tests.grading.conftest import ASSIGNMENT, Cohort, as_user, submitted


def _ready(cohort: Cohort, sub: Submission, level: int, outcome: str, feedback: str = "") -> None:
    located = services.find_assignment(sub.assignment_id)
    levels: dict[str, int | None] = {c.id: level for c in located.assignment.rubric}
    comments = {located.assignment.rubric[0].id: "Jogi rész rendben"}
    save_grade(
        cohort.trainer,
        sub,
        located.assignment,
        Marking(0, levels, comments, feedback, outcome),
        mark_ready=True,
    )
    db.session.commit()


def _assignment_delivery() -> ScoreDelivery:
    db.session.expire_all()
    row = db.session.scalar(
        select(ScoreDelivery).where(ScoreDelivery.resource_id == "module:role-ethics")
    )
    assert row is not None
    return row


def test_nothing_is_queued_for_moodle_before_release(client: FlaskClient, cohort: Cohort) -> None:
    sub = submitted(cohort.anna, cohort.ctx)
    _ready(cohort, sub, 3, "pass")
    assert (
        db.session.scalar(select(ScoreDelivery).where(ScoreDelivery.resource_id.like("module:%")))
        is None
    )


def test_release_queues_the_score_for_the_assignment_line_item(
    client: FlaskClient, cohort: Cohort
) -> None:
    sub = submitted(cohort.anna, cohort.ctx)
    _ready(cohort, sub, 3, "pass", feedback="Nagyon alapos\n\nelemzés.")
    as_user(client, cohort.trainer, Role.TRAINER, cohort.ctx)
    client.post("/grading/release", data={"ids": str(sub.id), "confirm": "yes"})
    row = _assignment_delivery()
    assert (row.user_id, row.context_pk, row.tag) == (cohort.anna.id, cohort.ctx.id, "assignment")
    assert (
        row.label == "Esetelemzés: titoktartás és gyermekvédelem"
    )  # the course's default language
    assert (row.score_given, row.score_maximum, row.line_item_maximum) == (20, 20, 20)
    assert (row.activity_progress, row.grading_progress) == ("Completed", "FullyGraded")
    assert row.comment == "Nagyon alapos elemzés."
    assert row.status in ("waiting", "failed", "sent")


def test_needs_revision_is_sent_as_submitted_activity(app_ctx: object, cohort: Cohort) -> None:
    sub = submitted(cohort.anna, cohort.ctx)
    _ready(cohort, sub, 0, "needs_revision")
    release(cohort.trainer, [db.session.get(Submission, sub.id).grade])  # type: ignore[union-attr, list-item]
    db.session.commit()
    row = _assignment_delivery()
    assert (row.score_given, row.activity_progress, row.grading_progress) == (
        0,
        "Submitted",
        "FullyGraded",
    )


def test_the_gradebook_comment_is_plain_and_truncated() -> None:
    assert plain_comment("") is None
    long = plain_comment("szó " * 600)
    assert long is not None and len(long) == 1000 and long.endswith("…")


def test_release_recomputes_progress(app_ctx: object, cohort: Cohort) -> None:
    from lms_plugin.progress.models import ModuleSummary

    sub = submitted(cohort.anna, cohort.ctx)
    _ready(cohort, sub, 3, "pass")
    release(cohort.trainer, [db.session.get(Submission, sub.id).grade])  # type: ignore[union-attr, list-item]
    db.session.commit()
    module_id = services.find_assignment(ASSIGNMENT).module.id
    row = db.session.scalar(
        select(ModuleSummary).where(
            ModuleSummary.user_id == cohort.anna.id, ModuleSummary.module_id == module_id
        )
    )
    assert row is not None and row.assignment_state == "passed"


def test_the_grading_page_shows_the_delivery_status(client: FlaskClient, cohort: Cohort) -> None:
    sub = submitted(cohort.anna, cohort.ctx)
    _ready(cohort, sub, 3, "pass")
    as_user(client, cohort.trainer, Role.TRAINER, cohort.ctx)
    client.post("/grading/release", data={"ids": str(sub.id), "confirm": "yes"})
    row = _assignment_delivery()
    row.status, row.last_error, row.attempts = "failed", "HTTP 403: not gradable", 3
    db.session.commit()
    page = client.get(f"/grading/submissions/{sub.id}").get_data(as_text=True)
    assert "Moodle gradebook:" in page and "failed" in page and "HTTP 403: not gradable" in page
    row.status, row.last_error = "waiting", "connection refused"
    db.session.commit()
    page = client.get(f"/grading/submissions/{sub.id}").get_data(as_text=True)
    assert "waiting" in page and "connection refused" in page


def test_bulk_release_of_several_ready_grades(client: FlaskClient, cohort: Cohort) -> None:
    first = submitted(cohort.anna, cohort.ctx)
    second = submitted(cohort.bela, cohort.ctx)
    _ready(cohort, first, 3, "pass")
    _ready(cohort, second, 1, "needs_revision")
    as_user(client, cohort.trainer, Role.TRAINER, cohort.ctx)
    confirm = client.get(f"/grading/release?ids={first.id}&ids={second.id}").get_data(as_text=True)
    assert "Kovács Anna" in confirm and "Szabó Béla" in confirm and "Release 2 grades" in confirm
    done = client.post(
        "/grading/release",
        data={"ids": [str(first.id), str(second.id)], "confirm": "yes"},
        follow_redirects=True,
    )
    assert "2 grades released." in done.get_data(as_text=True)
    assert services.assignment_state(cohort.anna.id, ASSIGNMENT) == "passed"
    assert services.assignment_state(cohort.bela.id, ASSIGNMENT) == "needs_revision"


def test_csv_export_has_one_row_per_graded_submission_and_every_criterion(
    client: FlaskClient, cohort: Cohort
) -> None:
    cohort.bela.name = '=HYPERLINK("http://evil")'
    db.session.commit()
    first = submitted(cohort.anna, cohort.ctx)
    second = submitted(cohort.bela, cohort.ctx)
    submitted(cohort.outsider, cohort.other)  # another course: not exported
    _ready(cohort, first, 3, "pass")
    _ready(cohort, second, 1, "needs_revision")
    as_user(client, cohort.trainer, Role.TRAINER, cohort.ctx)
    client.post("/grading/release", data={"ids": str(first.id), "confirm": "yes"})
    with client.session_transaction() as session:
        session["lang"] = "en"
    response = client.get("/grading/export.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment")
    raw = response.data
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM for Excel
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == 2
    by_name = {r["Trainee"]: r for r in rows}
    anna = by_name["Kovács Anna"]
    rubric = services.find_assignment(ASSIGNMENT).assignment.rubric
    first_col = next(k for k in anna if k.endswith(": level"))
    assert anna[first_col] in ("Excellent", "Kiváló")
    assert anna[first_col.replace(": level", ": points")] == "5"
    assert rubric and "[" not in first_col  # titles, not codes
    assert (anna["Total"], anna["Outcome"], anna["Marking"], anna["Marker"]) == (
        "20",
        "Pass",
        "Released",
        "Nagy Éva",
    )
    released = "Released (Europe/Budapest time)"
    assert anna["Attempt"] == "1" and re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", anna[released])
    bela = by_name['\'=HYPERLINK("http://evil")']  # a formula stays text
    assert (bela["Total"], bela["Outcome"], bela["Marking"], bela[released]) == (
        "8",
        "Needs revision",
        "Ready to release",
        "",
    )


def test_a_hungarian_reader_gets_semicolons_local_times_and_an_xlsx(
    client: FlaskClient, cohort: Cohort
) -> None:
    first = submitted(cohort.anna, cohort.ctx)
    _ready(cohort, first, 3, "pass")
    as_user(client, cohort.trainer, Role.TRAINER, cohort.ctx)
    client.post("/grading/release", data={"ids": str(first.id), "confirm": "yes"})
    with client.session_transaction() as session:
        session["lang"] = "hu"
    text = client.get("/grading/export.csv").data.decode("utf-8-sig")
    (row,) = csv.DictReader(io.StringIO(text), delimiter=";")
    assert row["Résztvevő"] == "Kovács Anna" and row["Eredmény"] == "Megfelelt"
    stamp = row["Közzétéve (Europe/Budapest idő szerint)"]
    assert re.fullmatch(r"\d{4}\. \d\d\. \d\d\. \d\d:\d\d", stamp)
    book = client.get("/grading/export.csv?format=xlsx")
    assert book.mimetype.endswith("spreadsheetml.sheet")
    assert book.headers["Content-Disposition"].endswith('grades-per-criterion.xlsx"')
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(book.data)).active
    assert sheet is not None
    header = [cell.value for cell in sheet[1]]
    values = dict(zip(header, [cell.value for cell in sheet[2]], strict=True))
    assert values["Résztvevő"] == "Kovács Anna" and values["Összpontszám"] == 20
    assert values["Közzétéve (Europe/Budapest idő szerint)"].year >= 2026  # a real date


def test_cli_export_writes_the_same_csv(runner: Any, cohort: Cohort) -> None:
    sub = submitted(cohort.anna, cohort.ctx)
    _ready(cohort, sub, 2, "pass")
    result = runner.invoke(args=["grading", "export", str(cohort.ctx.id), "--lang", "en"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output.lstrip("\ufeff"))))
    found = [(r["Trainee"], r["Total"], r["Marking"]) for r in rows]
    assert found == [("Kovács Anna", "16", "Ready to release")]
    assert runner.invoke(args=["grading", "export", "999999"]).exit_code != 0
