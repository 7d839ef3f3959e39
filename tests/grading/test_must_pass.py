"""Rubrics that protect: must-pass criteria, "needs revision" triggers, level score ranges."""

from __future__ import annotations

import html

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from lms_plugin.accounts.models import Role
from lms_plugin.courses.content import Assignment, Criterion, Level
from lms_plugin.db import db
from lms_plugin.errors import DomainError
from lms_plugin.grading import services
from lms_plugin.grading.models import NEEDS_REVISION, READY, REVISE, Grade, Submission
from lms_plugin.grading.release import release
from lms_plugin.grading.workflow import compute_total
from tests.grading.conftest import ASSIGNMENT, Cohort, as_user, submitted

DUTY = "ethics-duties"  # "Legal and child-protection duties": must pass (at least "Partial")


def _form(levels: dict[str, int], **extra: str) -> dict[str, str]:
    data = {f"level-{cid}": str(index) for cid, index in levels.items()}
    data.setdefault("version", "0")
    data.update(extra)
    return data


def _best_except(criterion_id: str | None, level: int = 0) -> dict[str, int]:
    rubric = services.find_assignment(ASSIGNMENT).assignment.rubric
    return {c.id: (level if c.id == criterion_id else len(c.levels) - 1) for c in rubric}


def _grade() -> Grade:
    db.session.expire_all()
    grade = db.session.scalar(select(Grade))
    assert grade is not None
    return grade


def _text(response: object) -> str:
    return html.unescape(response.get_data(as_text=True))  # type: ignore[attr-defined]


def test_the_course_makes_the_duty_to_signal_must_pass_and_guards_student_data() -> None:
    located = services.find_assignment(ASSIGNMENT)
    duty = next(c for c in located.assignment.rubric if c.id == DUTY)
    assert duty.must_pass and duty.min_level == 1
    for aid in ("ethics-case", "listening-practice", "referral-map", "programme-plan"):
        triggers = services.find_assignment(aid).assignment.revision_triggers
        assert "identifiable-data" in [t.id for t in triggers], aid


def test_a_zero_on_a_must_pass_criterion_cannot_pass_whatever_the_points(
    client: FlaskClient, cohort: Cohort
) -> None:
    sub = submitted(cohort.anna, cohort.ctx)
    levels = _best_except(DUTY)  # 0 + 5 + 5 + 5 = 15 points, pass mark 12
    as_user(client, cohort.trainer, Role.TRAINER, cohort.ctx)
    url = f"/grading/submissions/{sub.id}/grade"
    saved = client.post(url, data=_form(levels, action="save"))
    assert saved.status_code == 302
    page = _text(client.get(f"/grading/submissions/{sub.id}"))
    assert 'class="suggested-outcome">Needs revision<' in page
    assert "This work cannot pass, whatever the points:" in page
    assert "Legal and child-protection duties" in page and "at least “Partial”" in page

    refused = client.post(url, data=_form(levels, version="1", outcome="pass", action="ready"))
    assert refused.status_code == 422
    assert "Pass is not possible: Legal and child-protection duties" in _text(refused)
    assert _grade().outcome is None and _grade().total == 15

    ok = client.post(url, data=_form(levels, version="1", outcome=REVISE, action="ready"))
    assert ok.status_code == 302
    assert (_grade().state, _grade().outcome) == (READY, REVISE)


def test_the_trainee_sees_which_criterion_to_revise(client: FlaskClient, cohort: Cohort) -> None:
    sub = submitted(cohort.anna, cohort.ctx)
    as_user(client, cohort.trainer, Role.TRAINER, cohort.ctx)
    client.post(
        f"/grading/submissions/{sub.id}/grade",
        data=_form(_best_except(DUTY), outcome=REVISE, action="ready"),
    )
    client.post("/grading/release", data={"ids": str(sub.id), "confirm": "yes"})
    assert db.session.get(Submission, sub.id).state == NEEDS_REVISION  # type: ignore[union-attr]

    as_user(client, cohort.anna, Role.TRAINEE, cohort.ctx)
    page = _text(client.get(f"/grading/assignments/{ASSIGNMENT}"))
    box = page[page.index("What to revise before this can pass:") :]
    box = box[: box.index("</div>")]
    assert f'data-reason="criterion:{DUTY}"' in box
    assert "Legal and child-protection duties" in box
    assert "must reach at least “Partial”" in box and "reached “Missing”" in box
    # the other criteria reached their best level and are not named
    assert "Confidentiality and ethical reasoning" not in box


def test_a_ticked_trigger_gives_needs_revision_and_is_stored_with_the_grade(
    client: FlaskClient, cohort: Cohort
) -> None:
    sub = submitted(cohort.anna, cohort.ctx)
    full = _best_except(None)  # 20 / 20 points
    as_user(client, cohort.trainer, Role.TRAINER, cohort.ctx)
    url = f"/grading/submissions/{sub.id}/grade"
    form = _form(full, outcome="pass", action="ready", trigger="identifiable-data")
    refused = client.post(url, data=form)
    assert refused.status_code == 422
    assert "Pass is not possible: Identifiable personal data" in _text(refused)

    form["outcome"] = REVISE
    assert client.post(url, data=form).status_code == 302
    grade = _grade()
    assert (grade.total, grade.outcome, grade.triggers) == (20, REVISE, ["identifiable-data"])
    client.post("/grading/release", data={"ids": str(sub.id), "confirm": "yes"})

    as_user(client, cohort.anna, Role.TRAINEE, cohort.ctx)
    page = _text(client.get(f"/grading/assignments/{ASSIGNMENT}"))
    box = page[page.index("What to revise before this can pass:") :]
    assert 'data-reason="trigger:identifiable-data"' in box
    assert "The work names or identifies a student" in box


def test_an_undeclared_trigger_is_refused(client: FlaskClient, cohort: Cohort) -> None:
    sub = submitted(cohort.anna, cohort.ctx)
    as_user(client, cohort.trainer, Role.TRAINER, cohort.ctx)
    response = client.post(
        f"/grading/submissions/{sub.id}/grade",
        data=_form(_best_except(None), action="save", trigger="made-up"),
    )
    assert response.status_code == 422
    assert "Unknown revision trigger made-up." in _text(response)


def test_release_skips_a_pass_that_a_rule_forbids(app_ctx: object, cohort: Cohort) -> None:
    """A grade marked pass before the rule applied (say, the rubric changed) is not released."""
    sub = submitted(cohort.anna, cohort.ctx)
    grade = Grade(submission=sub, state=READY, outcome="pass", total=20, triggers=["unsafe-advice"])
    db.session.add(grade)
    db.session.commit()
    with pytest.raises(DomainError):
        release(cohort.trainer, [grade])


def _ranged() -> Assignment:
    levels = (
        Level(0, {"en": "Missing"}, {"en": "-"}),
        Level(5, {"en": "Partial"}, {"en": "-"}, min_points=2),
        Level(8, {"en": "Complete"}, {"en": "-"}, min_points=6),
    )
    return Assignment(
        "a", "m", {}, {}, ("text",), 1, 1.0, (), 1, 8, 4, (Criterion("c", {}, levels, 1),)
    )


def test_a_level_with_a_range_takes_the_points_the_grader_chose_within_it() -> None:
    assignment = _ranged()
    assert compute_total(assignment, {"c": 2}, {"c": 7}) == 7
    assert compute_total(assignment, {"c": 2}) == 8  # no choice: the top of the range
    assert compute_total(assignment, {"c": 0}, {"c": 7}) == 0  # a single value stays fixed
    with pytest.raises(DomainError, match="from 6 to 8"):
        compute_total(assignment, {"c": 2}, {"c": 9})
