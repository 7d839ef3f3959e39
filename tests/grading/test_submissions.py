"""Drafts, submitting, every attempt kept, resubmission limits and the assignment_state contract."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from lms_plugin.accounts.models import Role
from lms_plugin.db import db
from lms_plugin.errors import DomainError
from lms_plugin.grading import services
from lms_plugin.grading.models import Submission
from lms_plugin.grading.release import release
from lms_plugin.grading.services import assignment_state
from lms_plugin.grading.workflow import Marking, save_grade
from tests.grading.conftest import ASSIGNMENT, Cohort, as_user, submitted


def _grade_and_release(cohort: Cohort, sub: Submission, level: int, outcome: str) -> None:
    located = services.find_assignment(sub.assignment_id)
    levels: dict[str, int | None] = {c.id: level for c in located.assignment.rubric}
    version = sub.grade.version if sub.grade else 0
    grade = save_grade(
        cohort.trainer,
        sub,
        located.assignment,
        Marking(version, levels, {}, "Visszajelzés", outcome),
        mark_ready=True,
    )
    release(cohort.trainer, [grade])
    db.session.commit()


def test_the_rubric_is_visible_before_submitting(client: FlaskClient, cohort: Cohort) -> None:
    as_user(client, cohort.anna, Role.TRAINEE, cohort.ctx)
    page = client.get(f"/grading/assignments/{ASSIGNMENT}").get_data(as_text=True)
    assert "Legal and child-protection duties" in page
    assert "Does not recognise the duty to signal" in page and "5 points" in page
    assert "Save draft" in page and "Review and submit" in page


def test_draft_then_confirmation_then_submitted(client: FlaskClient, cohort: Cohort) -> None:
    as_user(client, cohort.anna, Role.TRAINEE, cohort.ctx)
    response = client.post(
        f"/grading/assignments/{ASSIGNMENT}/draft",
        data={"text": "# Elemzés\n\n**Lépések**", "action": "review"},
    )
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"/grading/assignments/{ASSIGNMENT}/submit"
    )
    assert assignment_state(cohort.anna.id, ASSIGNMENT) == "draft"
    confirm = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<strong>Lépések</strong>" in confirm  # rendered Markdown
    assert client.post(f"/grading/assignments/{ASSIGNMENT}/submit").status_code == 302
    assert assignment_state(cohort.anna.id, ASSIGNMENT) == "submitted"
    # a submitted attempt is frozen
    again = client.post(f"/grading/assignments/{ASSIGNMENT}/draft", data={"text": "változtatás"})
    assert again.status_code == 409
    db.session.expire_all()
    (only,) = db.session.scalars(select(Submission))
    assert only.text == "# Elemzés\n\n**Lépések**" and only.state == "submitted"


def test_empty_draft_cannot_be_submitted(client: FlaskClient, cohort: Cohort) -> None:
    as_user(client, cohort.anna, Role.TRAINEE, cohort.ctx)
    client.post(f"/grading/assignments/{ASSIGNMENT}/draft", data={"text": "   "})
    response = client.post(f"/grading/assignments/{ASSIGNMENT}/submit")
    assert response.status_code == 422
    assert "before submitting" in response.get_data(as_text=True)
    assert assignment_state(cohort.anna.id, ASSIGNMENT) == "draft"


def test_preview_renders_sanitised_markdown(client: FlaskClient, cohort: Cohort) -> None:
    as_user(client, cohort.anna, Role.TRAINEE, cohort.ctx)
    response = client.post(
        "/grading/preview",
        json={"text": "*fontos* <script>alert(1)</script> [x](javascript:alert(1))"},
    )
    html = response.get_json()["html"]
    assert "<em>fontos</em>" in html
    assert "<script" not in html and "javascript:" not in html


def test_state_is_none_then_submitted_and_outcome_only_after_release(
    app_ctx: object, cohort: Cohort
) -> None:
    assert assignment_state(cohort.anna.id, ASSIGNMENT) == "none"
    sub = submitted(cohort.anna, cohort.ctx)
    located = services.find_assignment(ASSIGNMENT)
    levels: dict[str, int | None] = {c.id: len(c.levels) - 1 for c in located.assignment.rubric}
    grade = save_grade(
        cohort.trainer,
        sub,
        located.assignment,
        Marking(0, levels, {}, "", "pass"),
        mark_ready=False,
    )
    db.session.commit()
    assert assignment_state(cohort.anna.id, ASSIGNMENT) == "submitted"  # in progress
    save_grade(
        cohort.trainer,
        sub,
        located.assignment,
        Marking(grade.version, levels, {}, "", "pass"),
        mark_ready=True,
    )
    db.session.commit()
    assert assignment_state(cohort.anna.id, ASSIGNMENT) == "submitted"  # ready, not released
    release(cohort.trainer, [grade])
    db.session.commit()
    assert assignment_state(cohort.anna.id, ASSIGNMENT) == "passed"


def test_resubmission_after_needs_revision_keeps_every_attempt(
    client: FlaskClient, cohort: Cohort
) -> None:
    first = submitted(cohort.anna, cohort.ctx, text="Első változat")
    _grade_and_release(cohort, first, 0, "needs_revision")
    assert assignment_state(cohort.anna.id, ASSIGNMENT) == "needs_revision"
    as_user(client, cohort.anna, Role.TRAINEE, cohort.ctx)
    page = client.get(f"/grading/assignments/{ASSIGNMENT}").get_data(as_text=True)
    assert "Első változat" in page  # the new draft starts from the last attempt
    client.post(f"/grading/assignments/{ASSIGNMENT}/draft", data={"text": "Második változat"})
    client.post(f"/grading/assignments/{ASSIGNMENT}/submit")
    db.session.expire_all()
    rows = list(db.session.scalars(select(Submission).order_by(Submission.attempt)))
    assert [(r.attempt, r.text, r.state) for r in rows] == [
        (1, "Első változat", "needs_revision"),
        (2, "Második változat", "submitted"),
    ]


def test_no_more_attempts_than_allowed(app_ctx: object, cohort: Cohort) -> None:
    located = services.find_assignment(ASSIGNMENT)
    assert located.assignment.max_attempts == 3
    for _n in range(2):
        sub = submitted(cohort.anna, cohort.ctx)
        _grade_and_release(cohort, sub, 0, "needs_revision")
    last = submitted(cohort.anna, cohort.ctx)
    assert last.attempt == 3
    levels: dict[str, int | None] = {c.id: 0 for c in located.assignment.rubric}
    with pytest.raises(DomainError, match="last allowed attempt"):
        save_grade(
            cohort.trainer,
            last,
            located.assignment,
            Marking(0, levels, {}, "", "needs_revision"),
            mark_ready=True,
        )
    db.session.rollback()
    _grade_and_release(cohort, db.session.get_one(Submission, last.id), 0, "fail")
    assert assignment_state(cohort.anna.id, ASSIGNMENT) == "failed"
    with pytest.raises(DomainError, match="no further attempts"):
        services.open_draft(cohort.anna, cohort.ctx.id, located)


def test_passed_and_waiting_assignments_take_no_new_attempt(
    app_ctx: object, cohort: Cohort
) -> None:
    located = services.find_assignment(ASSIGNMENT)
    sub = submitted(cohort.anna, cohort.ctx)
    with pytest.raises(DomainError, match="waiting for grading"):
        services.open_draft(cohort.anna, cohort.ctx.id, located)
    _grade_and_release(cohort, sub, 3, "pass")
    with pytest.raises(DomainError, match="passed"):
        services.open_draft(cohort.anna, cohort.ctx.id, located)


def test_my_submissions_lists_every_assignment_with_its_state(
    client: FlaskClient, cohort: Cohort
) -> None:
    submitted(cohort.anna, cohort.ctx)
    as_user(client, cohort.anna, Role.TRAINEE, cohort.ctx)
    page = client.get("/grading/my").get_data(as_text=True)
    assert page.count("/grading/assignments/") == 4
    assert page.count("Not started") == 3 and page.count("Submitted, waiting for grading") == 1


def test_submitting_recomputes_progress(app_ctx: object, cohort: Cohort) -> None:
    from lms_plugin.progress.models import ModuleSummary

    submitted(cohort.anna, cohort.ctx)
    row = db.session.scalar(
        select(ModuleSummary).where(
            ModuleSummary.user_id == cohort.anna.id,
            ModuleSummary.module_id == services.find_assignment(ASSIGNMENT).module.id,
        )
    )
    assert row is not None and row.assignment_state == "submitted"
