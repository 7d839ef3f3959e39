"""Correcting a released grade: reopen with a reason, the trainee keeps the released grade until
the correction is released, Moodle gets the corrected score, and the history keeps both."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from lms_plugin.accounts.models import Role
from lms_plugin.certification.models import Certificate
from lms_plugin.certification.services import new_code
from lms_plugin.db import db, utcnow
from lms_plugin.grading import services
from lms_plugin.grading.models import Grade, GradeAudit, Submission
from lms_plugin.lti.outbox_models import ScoreDelivery
from lms_plugin.practice.models import PracticeLineItem, PracticeScore
from tests.availability_helpers import open_modules_for_session
from tests.grading.conftest import ASSIGNMENT, Cohort, add_membership, as_user, submitted
from tests.practice_platform import BASE, PracticeLms, run_launch

REASON = "Appeal: criterion 2 was marked against the wrong rubric row."


def _grade_form(level: int, outcome: str, version: int, feedback: str = "") -> dict[str, str]:
    rubric = services.find_assignment(ASSIGNMENT).assignment.rubric
    form = {f"level-{c.id}": str(level) for c in rubric}
    form.update(version=str(version), outcome=outcome, feedback=feedback, action="ready")
    return form


def _grade(sub_id: int) -> Grade:
    db.session.expire_all()
    grade = db.session.get(Submission, sub_id).grade  # type: ignore[union-attr]
    assert grade is not None
    return grade


def _released(client: FlaskClient, cohort: Cohort, level: int = 3, outcome: str = "pass") -> int:
    """Anna's attempt, marked and released by her trainer through the pages; the submission id."""
    sub = submitted(cohort.anna, cohort.ctx)
    as_user(client, cohort.trainer, Role.TRAINER, cohort.ctx)
    form = _grade_form(level, outcome, 0, feedback="Első értékelés.")
    assert client.post(f"/grading/submissions/{sub.id}/grade", data=form).status_code == 302
    client.post("/grading/release", data={"ids": str(sub.id), "confirm": "yes"})
    assert _grade(sub.id).state == "released"
    return sub.id


def _reopen(client: FlaskClient, sub_id: int, reason: str = REASON) -> Any:
    version = _grade(sub_id).version
    return client.post(
        f"/grading/submissions/{sub_id}/correct", data={"version": str(version), "reason": reason}
    )


def _deliveries(user_id: int) -> list[ScoreDelivery]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(ScoreDelivery)
            .where(
                ScoreDelivery.user_id == user_id,
                ScoreDelivery.resource_id == "module:role-ethics",
            )
            .order_by(ScoreDelivery.id)
        )
    )


def _trainee_page(client: FlaskClient, cohort: Cohort) -> str:
    as_user(client, cohort.anna, Role.TRAINEE, cohort.ctx)
    return client.get(f"/grading/assignments/{ASSIGNMENT}").get_data(as_text=True)


def test_reopening_needs_a_reason_and_keeps_the_grade_released(
    client: FlaskClient, cohort: Cohort
) -> None:
    sub_id = _released(client, cohort)
    for reason in ("", "   ", "typo"):
        response = _reopen(client, sub_id, reason)
        assert response.status_code == 422
        assert "Give the reason for the correction" in response.get_data(as_text=True)
    assert _grade(sub_id).state == "released"
    assert db.session.scalar(select(func.count()).where(GradeAudit.action == "correction")) == 0


def test_reopening_with_a_stale_form_is_a_conflict(client: FlaskClient, cohort: Cohort) -> None:
    sub_id = _released(client, cohort)
    stale = _grade(sub_id).version - 1
    response = client.post(
        f"/grading/submissions/{sub_id}/correct", data={"version": str(stale), "reason": REASON}
    )
    assert response.status_code == 409
    assert REASON in response.get_data(as_text=True)  # the typed reason is kept on the page
    assert _grade(sub_id).state == "released"


def test_reopening_is_refused_without_csrf(client: FlaskClient, cohort: Cohort) -> None:
    sub_id = _released(client, cohort)
    client.application.config["WTF_CSRF_ENABLED"] = True
    try:
        response = _reopen(client, sub_id)
    finally:
        client.application.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code == 400
    assert _grade(sub_id).state == "released"


def test_only_a_trainer_of_the_course_may_reopen(client: FlaskClient, cohort: Cohort) -> None:
    sub_id = _released(client, cohort)
    # A trainer of another course: the submission does not exist for them.
    as_user(client, cohort.other_trainer, Role.TRAINER, cohort.other)
    assert _reopen(client, sub_id).status_code == 404
    # A trainee of another course, Anna herself, and a coordinator: not trainers at all.
    as_user(client, cohort.outsider, Role.TRAINEE, cohort.other)
    assert _reopen(client, sub_id).status_code == 403
    as_user(client, cohort.anna, Role.TRAINEE, cohort.ctx)
    assert _reopen(client, sub_id).status_code == 403
    as_user(client, cohort.coordinator, Role.COORDINATOR, None)
    assert _reopen(client, sub_id).status_code == 403
    page = client.get(f"/grading/submissions/{sub_id}").get_data(as_text=True)
    assert "Reopen for correction" not in page  # coordinators read, they do not correct
    # Teaching Anna in another course does not make one a trainer of this submission's course.
    add_membership(cohort.anna, cohort.other, Role.TRAINEE)
    as_user(client, cohort.other_trainer, Role.TRAINER, cohort.other)
    assert _reopen(client, sub_id).status_code == 403
    assert _grade(sub_id).state == "released"
    # The other trainer of Anna's own course may.
    as_user(client, cohort.co_trainer, Role.TRAINER, cohort.ctx)
    assert "Reopen for correction" in client.get(f"/grading/submissions/{sub_id}").get_data(
        as_text=True
    )
    assert _reopen(client, sub_id).status_code == 302
    assert _grade(sub_id).state == "in_progress"


def test_the_trainee_keeps_the_released_grade_until_the_correction_is_released(
    client: FlaskClient, cohort: Cohort
) -> None:
    sub_id = _released(client, cohort)  # 20 / 20, pass
    assert _reopen(client, sub_id).status_code == 302
    page = client.get(f"/grading/submissions/{sub_id}").get_data(as_text=True)
    assert "Correction in progress" in page and REASON in page
    # The trainer marks the correction ready: 8 points, needs revision.
    form = _grade_form(1, "needs_revision", _grade(sub_id).version, feedback="Javított értékelés.")
    assert client.post(f"/grading/submissions/{sub_id}/grade", data=form).status_code == 302
    assert _grade(sub_id).state == "ready"

    # Nothing unreleased reaches the trainee or Moodle.
    assert services.assignment_state(cohort.anna.id, ASSIGNMENT) == "passed"
    assert [d.score_given for d in _deliveries(cohort.anna.id)] == [20]
    page = _trainee_page(client, cohort)
    assert "20 / 20 points" in page and "Első értékelés." in page
    assert "8 / 20 points" not in page and "Javított értékelés." not in page
    assert "Your trainer is reviewing this grade" in page

    # The correction is released: the trainee sees it, Moodle gets the new score.
    as_user(client, cohort.trainer, Role.TRAINER, cohort.ctx)
    confirm = client.get(f"/grading/release?ids={sub_id}").get_data(as_text=True)
    assert "correction of the released 20, Pass" in confirm
    client.post("/grading/release", data={"ids": str(sub_id), "confirm": "yes"})
    assert services.assignment_state(cohort.anna.id, ASSIGNMENT) == "needs_revision"
    assert [d.score_given for d in _deliveries(cohort.anna.id)] == [20, 8]
    assert _deliveries(cohort.anna.id)[-1].comment == "Javított értékelés."
    page = _trainee_page(client, cohort)
    assert "8 / 20 points" in page and "Javított értékelés." in page
    assert "20 / 20 points" not in page
    assert "This grade was corrected after review" in page
    assert "Your attempt 2" in page  # needs revision opens a new attempt, by the usual rules


def test_the_audit_keeps_before_after_and_the_reason(client: FlaskClient, cohort: Cohort) -> None:
    sub_id = _released(client, cohort)
    _reopen(client, sub_id)
    form = _grade_form(2, "pass", _grade(sub_id).version)
    client.post(f"/grading/submissions/{sub_id}/grade", data=form)
    client.post("/grading/release", data={"ids": str(sub_id), "confirm": "yes"})
    rows = {
        row.action: row
        for row in db.session.scalars(select(GradeAudit).where(GradeAudit.submission_id == sub_id))
    }
    reopened = rows["correction"]
    assert reopened.reason == REASON and reopened.actor_id == cohort.trainer.id
    assert reopened.before is not None and reopened.after is not None
    assert (reopened.before["state"], reopened.before["total"]) == ("released", 20)
    assert (reopened.after["state"], reopened.after["total"]) == ("in_progress", 20)
    rereleased = rows["rereleased"]
    assert rereleased.before is not None and rereleased.after is not None
    assert (rereleased.before["total"], rereleased.before["outcome"]) == (20, "pass")
    assert (rereleased.after["total"], rereleased.after["state"]) == (16, "released")
    page = client.get(f"/grading/submissions/{sub_id}").get_data(as_text=True)
    assert "Corrections" in page and REASON in page and "20 → 16 / 20" in page

    rows_csv = english_export(client)
    assert [(r["Total"], r["Times released"], r["Corrected"]) for r in rows_csv] == [
        ("16", "2", "yes")
    ]


def test_the_export_shows_what_the_trainee_has_during_a_correction(
    client: FlaskClient, cohort: Cohort
) -> None:
    sub_id = _released(client, cohort)
    _reopen(client, sub_id)
    client.post(
        f"/grading/submissions/{sub_id}/grade",
        data=_grade_form(1, "needs_revision", _grade(sub_id).version),
    )
    (row,) = english_export(client)
    assert (row["Total"], row["Marking"], row["Times released"], row["Corrected"]) == (
        "8",
        "Ready to release",
        "1",
        "yes",
    )
    assert (row["Released total"], row["Released outcome"]) == ("20", "Pass")
    queue = client.get("/grading/?status=open").get_data(as_text=True)
    assert "correction" in queue


def test_a_later_attempt_is_corrected_instead(client: FlaskClient, cohort: Cohort) -> None:
    sub_id = _released(client, cohort, level=1, outcome="needs_revision")
    located = services.find_assignment(ASSIGNMENT)
    services.open_draft(cohort.anna, cohort.ctx.id, located)  # Anna starts attempt 2
    db.session.commit()
    response = _reopen(client, sub_id)
    assert response.status_code == 409
    assert "correct that attempt instead" in response.get_data(as_text=True)


def _certificate_for(user_id: int, name: str) -> Certificate:
    now = utcnow()
    cert = Certificate(
        user_id=user_id,
        course_id="mentor-30h",
        course_version="test",
        period_no=1,
        code=new_code(),
        holder_name=name,
        hours=30.0,
        issued_at=now,
        valid_from=now,
        expires_at=now + timedelta(days=3 * 365),
    )
    db.session.add(cert)
    db.session.commit()
    return cert


def test_a_certificate_is_not_revoked_silently_but_the_trainer_is_warned(
    client: FlaskClient, cohort: Cohort
) -> None:
    from lms_plugin.progress.models import ModuleSummary

    sub_id = _released(client, cohort)
    cert = _certificate_for(cohort.anna.id, cohort.anna.name or "")
    page = client.get(f"/grading/submissions/{sub_id}").get_data(as_text=True)
    assert "holds a mentor certificate" in page
    _reopen(client, sub_id)
    form = _grade_form(1, "needs_revision", _grade(sub_id).version)
    client.post(f"/grading/submissions/{sub_id}/grade", data=form)
    page = client.get(f"/grading/submissions/{sub_id}").get_data(as_text=True)
    assert "holds a mentor certificate" in page and "ask a coordinator" in page
    done = client.post(
        "/grading/release", data={"ids": str(sub_id), "confirm": "yes"}, follow_redirects=True
    )
    assert "still holds a mentor certificate" in done.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Certificate, cert.id).revoked_at is None  # type: ignore[union-attr]
    # Progress follows the corrected outcome (the module is no longer passed).
    module_id = services.find_assignment(ASSIGNMENT).module.id
    summary = db.session.scalar(
        select(ModuleSummary).where(
            ModuleSummary.user_id == cohort.anna.id, ModuleSummary.module_id == module_id
        )
    )
    assert summary is not None and summary.assignment_state == "needs_revision"


def test_no_certificate_warning_without_a_certificate(client: FlaskClient, cohort: Cohort) -> None:
    sub_id = _released(client, cohort)
    page = client.get(f"/grading/submissions/{sub_id}").get_data(as_text=True)
    assert "Reopen for correction" in page and "holds a mentor certificate" not in page


@pytest.mark.usefixtures("practice_lms")
def test_the_corrected_score_reaches_the_practice_gradebook(
    client: FlaskClient, practice_lms: PracticeLms, runner: Any
) -> None:
    run_launch(client, "anna", target="home", locale="en")
    open_modules_for_session(client)  # a trainer opened the modules early for Anna
    client.post(
        f"{BASE}/grading/assignments/{ASSIGNMENT}/draft",
        data={"text": "Az elemzésem", "action": "save"},
    )
    assert client.post(f"{BASE}/grading/assignments/{ASSIGNMENT}/submit").status_code == 302
    db.session.expire_all()
    sub = db.session.scalar(select(Submission))
    assert sub is not None

    run_launch(client, "eva", target="grading", locale="en")
    form = _grade_form(3, "pass", 0, feedback="Alapos munka.")
    assert client.post(f"{BASE}/grading/submissions/{sub.id}/grade", data=form).status_code == 302
    client.post(f"{BASE}/grading/release", data={"ids": str(sub.id), "confirm": "yes"}).close()
    assert runner.invoke(args=["lti", "deliver"]).exit_code == 0
    assert _practice_scores(practice_lms) == [(20, "Alapos munka.")]

    # An appeal: Éva reopens, marks 16 points and releases the correction.
    version = _grade(sub.id).version
    reopened = client.post(
        f"{BASE}/grading/submissions/{sub.id}/correct",
        data={"version": str(version), "reason": REASON},
    )
    assert reopened.status_code == 302
    form = _grade_form(2, "pass", _grade(sub.id).version, feedback="Javított: 16 pont.")
    assert client.post(f"{BASE}/grading/submissions/{sub.id}/grade", data=form).status_code == 302
    assert _practice_scores(practice_lms) == [(20, "Alapos munka.")]  # nothing before release
    client.post(f"{BASE}/grading/release", data={"ids": str(sub.id), "confirm": "yes"}).close()
    result = runner.invoke(args=["lti", "deliver"])
    assert result.exit_code == 0, result.output
    assert all(d.status == "sent" for d in _deliveries(sub.user_id))
    assert _practice_scores(practice_lms) == [(20, "Alapos munka."), (16, "Javított: 16 pont.")]

    # The gradebook's cell for the assignment column shows the corrected grade.
    gradebook = client.get(f"{BASE}/practice/gradebook").get_data(as_text=True)
    cell = re.search(
        r"<td>((?:(?!</td>).)*Javított: 16 pont\.(?:(?!</td>).)*)</td>", gradebook, re.S
    )
    assert cell is not None
    assert re.search(r'class="practice-grade">16(\.0)?</strong>', cell.group(1))
    assert "Alapos munka." not in cell.group(1)


def _practice_scores(practice_lms: PracticeLms) -> list[tuple[float | None, str | None]]:
    """The assignment scores the practice LMS received, in order (one line item)."""
    with practice_lms.app.app_context():
        items = list(
            db.session.scalars(
                select(PracticeLineItem.id).where(
                    PracticeLineItem.resource_id == "module:role-ethics"
                )
            )
        )
        assert len(items) <= 1  # the correction goes to the same line item
        rows = db.session.scalars(
            select(PracticeScore)
            .where(PracticeScore.line_item_id.in_(items))
            .order_by(PracticeScore.id)
        )
        return [(row.score_given, row.comment) for row in rows]


def english_export(client: FlaskClient) -> list[dict[str, str]]:
    """The per-criterion export as an English reader gets it ("," between fields)."""
    with client.session_transaction() as session:
        session["lang"] = "en"
    text = client.get("/grading/export.csv").data.decode("utf-8-sig")
    with client.session_transaction() as session:
        session.pop("lang", None)
    return list(csv.DictReader(io.StringIO(text)))
