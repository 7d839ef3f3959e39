"""Marking: server-side totals, hidden until release, locking, audit, bank, allocation, queue."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select, update

from lms_plugin.accounts.models import Role
from lms_plugin.db import db
from lms_plugin.errors import Conflict
from lms_plugin.grading import services
from lms_plugin.grading.models import Grade, GradeAudit, Submission
from lms_plugin.grading.workflow import Marking, save_grade, suggest_outcome
from tests.grading.conftest import ASSIGNMENT, Cohort, as_user, submitted


def _form(levels: dict[str, int], version: int = 0, **extra: str) -> dict[str, str]:
    data = {f"level-{cid}": str(index) for cid, index in levels.items()}
    data["version"] = str(version)
    data.update(extra)
    return data


def _rubric() -> list[str]:
    return [c.id for c in services.find_assignment(ASSIGNMENT).assignment.rubric]


def _grade() -> Grade:
    db.session.expire_all()
    grade = db.session.scalar(select(Grade))
    assert grade is not None
    return grade


def test_the_total_is_computed_by_the_server_not_taken_from_the_client(
    client: FlaskClient, cohort: Cohort
) -> None:
    sub = submitted(cohort.anna, cohort.ctx)
    ids = _rubric()  # levels: 0, 2, 4, 5 points
    as_user(client, cohort.trainer, Role.TRAINER, cohort.ctx)
    data = _form({ids[0]: 3, ids[1]: 2, ids[2]: 1}, total="999", points="999", action="save")
    response = client.post(f"/grading/submissions/{sub.id}/grade", data=data)
    assert response.status_code == 302
    assert _grade().total == 5 + 4 + 2
    page = client.get(f"/grading/submissions/{sub.id}").get_data(as_text=True)
    assert '<output class="total-value" data-max="20">11</output>' in page


def test_an_unknown_level_is_refused_and_the_input_kept(
    client: FlaskClient, cohort: Cohort
) -> None:
    sub = submitted(cohort.anna, cohort.ctx)
    ids = _rubric()
    as_user(client, cohort.trainer, Role.TRAINER, cohort.ctx)
    response = client.post(
        f"/grading/submissions/{sub.id}/grade",
        data=_form({ids[0]: 9}, feedback="Gondos munka", action="save"),
    )
    assert response.status_code == 422
    assert "Unknown level" in response.get_data(as_text=True)
    assert db.session.scalar(select(Grade)) is None


def test_ready_needs_every_criterion_and_an_outcome_and_keeps_the_input(
    client: FlaskClient, cohort: Cohort
) -> None:
    sub = submitted(cohort.anna, cohort.ctx)
    ids = _rubric()
    as_user(client, cohort.trainer, Role.TRAINER, cohort.ctx)
    response = client.post(
        f"/grading/submissions/{sub.id}/grade",
        data=_form(
            {ids[0]: 2},
            feedback="Félkész értékelés",
            action="ready",
        )
        | {f"comment-{ids[0]}": "Jó kezdés"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Choose a level for every criterion" in page
    assert "Félkész értékelés" in page and "Jó kezdés" in page
    assert f'id="l-{ids[0]}-2" value="2" data-points="4" checked' in page


def test_nothing_reaches_the_trainee_before_release(client: FlaskClient, cohort: Cohort) -> None:
    sub = submitted(cohort.anna, cohort.ctx)
    ids = _rubric()
    as_user(client, cohort.trainer, Role.TRAINER, cohort.ctx)
    data = _form(
        {i: 3 for i in ids}, feedback="Kiváló elemzés, gratulálok", outcome="pass", action="ready"
    )
    data[f"comment-{ids[0]}"] = "Pontos jogi hivatkozások"
    assert client.post(f"/grading/submissions/{sub.id}/grade", data=data).status_code == 302
    assert _grade().state == "ready"
    as_user(client, cohort.anna, Role.TRAINEE, cohort.ctx)
    page = client.get(f"/grading/assignments/{ASSIGNMENT}").get_data(as_text=True)
    assert "Kiváló elemzés" not in page and "Pontos jogi hivatkozások" not in page
    assert "Waiting for grading." in page
    as_user(client, cohort.trainer, Role.TRAINER, cohort.ctx)
    confirm = client.get(f"/grading/release?ids={sub.id}").get_data(as_text=True)
    assert "Kovács Anna" in confirm and "20 / 20" in confirm
    assert (
        client.post("/grading/release", data={"ids": str(sub.id), "confirm": "yes"}).status_code
        == 302
    )
    as_user(client, cohort.anna, Role.TRAINEE, cohort.ctx)
    page = client.get(f"/grading/assignments/{ASSIGNMENT}").get_data(as_text=True)
    assert "Kiváló elemzés, gratulálok" in page and "Pontos jogi hivatkozások" in page
    assert "Result: 20 / 20 points" in page


def test_release_needs_the_confirmation_step(client: FlaskClient, cohort: Cohort) -> None:
    sub = submitted(cohort.anna, cohort.ctx)
    as_user(client, cohort.trainer, Role.TRAINER, cohort.ctx)
    client.post(
        f"/grading/submissions/{sub.id}/grade",
        data=_form({i: 3 for i in _rubric()}, outcome="pass", action="ready"),
    )
    assert client.post("/grading/release", data={"ids": str(sub.id)}).status_code == 400
    assert _grade().state == "ready"


def test_a_second_marker_with_a_stale_form_gets_409_and_keeps_their_input(
    client: FlaskClient, cohort: Cohort
) -> None:
    sub = submitted(cohort.anna, cohort.ctx)
    ids = _rubric()
    as_user(client, cohort.trainer, Role.TRAINER, cohort.ctx)
    client.post(
        f"/grading/submissions/{sub.id}/grade",
        data=_form({ids[0]: 1}, version=0, feedback="Éva értékelése", action="save"),
    )
    as_user(client, cohort.co_trainer, Role.TRAINER, cohort.ctx)
    stale = client.post(
        f"/grading/submissions/{sub.id}/grade",
        data=_form({ids[0]: 3}, version=0, feedback="Ildikó értékelése", action="save"),
    )
    page = stale.get_data(as_text=True)
    assert stale.status_code == 409
    assert "Another marker (Nagy Éva) saved this grade at" in page
    assert "your changes were not saved" in page
    assert "Ildikó értékelése" in page  # what the second marker typed is still there
    assert _grade().feedback == "Éva értékelése"  # nothing overwritten
    # The re-shown form carries the current version: saving it again is a deliberate choice.
    current = _grade().version
    assert f'name="version" value="{current}"' in page
    again = client.post(
        f"/grading/submissions/{sub.id}/grade",
        data=_form({ids[0]: 3}, version=current, feedback="Ildikó értékelése", action="save"),
    )
    assert again.status_code == 302 and _grade().feedback == "Ildikó értékelése"


def test_a_write_between_read_and_flush_is_a_conflict_not_an_overwrite(
    app_ctx: object, cohort: Cohort
) -> None:
    sub = submitted(cohort.anna, cohort.ctx)
    located = services.find_assignment(ASSIGNMENT)
    levels: dict[str, int | None] = {c.id: 0 for c in located.assignment.rubric}
    grade = save_grade(
        cohort.trainer,
        sub,
        located.assignment,
        Marking(0, levels, {}, "első", None),
        mark_ready=False,
    )
    db.session.commit()
    seen = grade.version
    # another process saves in between (its own UPDATE bumps the version)
    with db.engine.begin() as conn:
        conn.execute(
            update(Grade).where(Grade.id == grade.id).values(version=seen + 1, feedback="a másik")
        )
    with pytest.raises(Conflict):
        save_grade(
            cohort.co_trainer,
            sub,
            located.assignment,
            Marking(seen, levels, {}, "felülírás", None),
            mark_ready=False,
        )
    db.session.rollback()
    assert _grade().feedback == "a másik"


def test_every_change_is_audited_with_before_and_after(client: FlaskClient, cohort: Cohort) -> None:
    sub = submitted(cohort.anna, cohort.ctx)
    ids = _rubric()
    as_user(client, cohort.trainer, Role.TRAINER, cohort.ctx)
    client.post(
        f"/grading/submissions/{sub.id}/grade", data=_form({ids[0]: 1}, version=0, action="save")
    )
    client.post(
        f"/grading/submissions/{sub.id}/grade",
        data=_form(
            {i: 2 for i in ids}, version=_grade().version, outcome="needs_revision", action="ready"
        ),
    )
    client.post(
        f"/grading/submissions/{sub.id}/allocate", data={"marker_id": str(cohort.co_trainer.id)}
    )
    client.post("/grading/release", data={"ids": str(sub.id), "confirm": "yes"})
    db.session.expire_all()
    rows = list(db.session.scalars(select(GradeAudit).order_by(GradeAudit.id)))
    assert [r.action for r in rows] == ["save", "ready", "allocated", "released"]
    assert all(r.actor_id == cohort.trainer.id for r in rows)
    save, ready, allocated, released = rows
    assert save.before is None
    assert save.after is not None and save.after["total"] == 2
    assert save.after["scores"][ids[0]]["level"] == 1
    assert ready.before == save.after
    assert (
        ready.after is not None and ready.after["total"] == 16 and ready.after["state"] == "ready"
    )
    assert allocated.before == {"allocated_to_id": None}
    assert allocated.after == {"allocated_to_id": cohort.co_trainer.id}
    assert released.before is not None and released.before["state"] == "ready"
    assert released.after is not None and released.after["state"] == "released"
    assert all(r.created_at is not None for r in rows)


def test_suggested_outcome_follows_the_pass_mark_and_attempts(app_ctx: object) -> None:
    a = services.find_assignment(ASSIGNMENT).assignment
    assert suggest_outcome(a, a.pass_mark, 1) == "pass"
    assert suggest_outcome(a, a.pass_mark - 1, 1) == "needs_revision"
    assert suggest_outcome(a, a.pass_mark - 1, a.max_attempts) == "fail"


def test_the_outcome_can_override_the_suggestion(client: FlaskClient, cohort: Cohort) -> None:
    sub = submitted(cohort.anna, cohort.ctx)
    as_user(client, cohort.trainer, Role.TRAINER, cohort.ctx)
    client.post(
        f"/grading/submissions/{sub.id}/grade",
        data=_form({i: 1 for i in _rubric()}, outcome="pass", action="ready"),
    )
    grade = _grade()
    assert grade.total == 8 and grade.outcome == "pass" and grade.state == "ready"


def test_comment_bank_add_insert_list_and_delete(client: FlaskClient, cohort: Cohort) -> None:
    as_user(client, cohort.trainer, Role.TRAINER, cohort.ctx)
    added = client.post("/grading/comments", json={"text": "Hivatkozz a jelzőrendszerre."})
    assert added.status_code == 201
    (entry,) = added.get_json()["comments"]
    assert entry["text"] == "Hivatkozz a jelzőrendszerre."
    assert client.post(
        "/grading/comments", json={"text": "Hivatkozz a jelzőrendszerre."}
    ).get_json()["comments"] == [entry]
    assert client.post("/grading/comments", json={"text": "  "}).status_code == 422
    sub = submitted(cohort.anna, cohort.ctx)
    page = client.get(f"/grading/submissions/{sub.id}").get_data(as_text=True)
    assert 'data-text="Hivatkozz a jelzőrendszerre."' in page
    as_user(client, cohort.co_trainer, Role.TRAINER, cohort.ctx)
    assert client.get("/grading/comments").get_json() == {"comments": []}
    assert client.post(f"/grading/comments/{entry['id']}/delete", json={}).status_code == 404
    as_user(client, cohort.trainer, Role.TRAINER, cohort.ctx)
    assert client.post(f"/grading/comments/{entry['id']}/delete", json={}).get_json() == {
        "comments": []
    }


def test_allocation_to_a_marker_of_the_course(client: FlaskClient, cohort: Cohort) -> None:
    first = submitted(cohort.anna, cohort.ctx)
    submitted(cohort.bela, cohort.ctx)
    as_user(client, cohort.trainer, Role.TRAINER, cohort.ctx)
    assert (
        client.post(
            f"/grading/submissions/{first.id}/allocate",
            data={"marker_id": str(cohort.other_trainer.id)},
        ).status_code
        == 422
    )
    client.post(
        f"/grading/submissions/{first.id}/allocate", data={"marker_id": str(cohort.co_trainer.id)}
    )
    as_user(client, cohort.co_trainer, Role.TRAINER, cohort.ctx)
    mine = client.get("/grading/?mine=1").get_data(as_text=True)
    assert "Kovács Anna" in mine and "Szabó Béla" not in mine
    assert "allocated to me" in mine


def test_queue_oldest_first_with_filters(client: FlaskClient, cohort: Cohort) -> None:
    later = submitted(cohort.anna, cohort.ctx)
    earlier = submitted(cohort.bela, cohort.ctx)
    other = submitted(cohort.anna, cohort.ctx, aid="referral-map")
    assert later.submitted_at is not None
    earlier.submitted_at = later.submitted_at - timedelta(hours=2)
    db.session.commit()
    as_user(client, cohort.trainer, Role.TRAINER, cohort.ctx)
    page = client.get("/grading/").get_data(as_text=True)
    assert page.index("Szabó Béla") < page.index("Kovács Anna")
    only = client.get(f"/grading/?assignment={ASSIGNMENT}").get_data(as_text=True)
    assert (
        f"/grading/submissions/{other.id}" not in only
        and f"/grading/submissions/{later.id}" in only
    )
    by_module = client.get(f"/grading/?module={other.module_id}").get_data(as_text=True)
    assert (
        f"/grading/submissions/{other.id}" in by_module
        and f"/grading/submissions/{later.id}" not in by_module
    )
    client.post(
        f"/grading/submissions/{later.id}/grade",
        data=_form({i: 3 for i in _rubric()}, outcome="pass", action="ready"),
    )
    ready = client.get("/grading/?status=ready").get_data(as_text=True)
    assert (
        f"/grading/submissions/{later.id}" in ready
        and f"/grading/submissions/{earlier.id}" not in ready
    )
    assert f'name="ids" value="{later.id}"' in ready
    assert db.session.get(Submission, later.id) is not None


def test_a_ready_grade_can_go_back_to_in_progress_before_release(
    client: FlaskClient, cohort: Cohort
) -> None:
    sub = submitted(cohort.anna, cohort.ctx)
    as_user(client, cohort.trainer, Role.TRAINER, cohort.ctx)
    form = _form({i: 3 for i in _rubric()}, outcome="pass", action="ready")
    client.post(f"/grading/submissions/{sub.id}/grade", data=form)
    stale = _grade().version - 1
    assert (
        client.post(f"/grading/submissions/{sub.id}/reopen", data={"version": stale}).status_code
        == 409
    )
    client.post(f"/grading/submissions/{sub.id}/reopen", data={"version": _grade().version})
    assert _grade().state == "in_progress"
    assert client.get(f"/grading/release?ids={sub.id}").status_code == 302  # nothing ready
    actions = db.session.scalars(select(GradeAudit.action).order_by(GradeAudit.id))
    assert list(actions) == ["ready", "reopen"]
