"""Who sees what: trainees their own work, trainers their courses' trainees; 404 otherwise."""

from __future__ import annotations

import io

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from lms_plugin.accounts.models import Role
from lms_plugin.db import db
from lms_plugin.grading import services
from lms_plugin.grading.models import Grade, Submission, SubmissionFile
from lms_plugin.grading.workflow import Marking, save_grade
from tests.grading.conftest import ASSIGNMENT, Cohort, as_user, submitted, tiny_pdf

SECRET = "Anna titkos esetelemzése"


def _annas_work(cohort: Cohort) -> tuple[int, int]:
    located = services.find_assignment(ASSIGNMENT)
    draft = services.open_draft(cohort.anna, cohort.ctx.id, located)
    services.save_text(draft, located, SECRET)
    services.add_file(draft, located, "anna.pdf", tiny_pdf())
    services.submit(draft, located, cohort.ctx.id)
    db.session.commit()
    return draft.id, draft.files[0].id


def _belas_draft(cohort: Cohort) -> tuple[int, int]:
    located = services.find_assignment(ASSIGNMENT)
    draft = services.open_draft(cohort.bela, cohort.ctx.id, located)
    services.save_text(draft, located, "Béla vázlata")
    services.add_file(draft, located, "bela.pdf", tiny_pdf())
    db.session.commit()
    return draft.id, draft.files[0].id


def test_anonymous_visitors_are_sent_to_moodle(client: FlaskClient, cohort: Cohort) -> None:
    sub_id, file_id = _annas_work(cohort)
    for url in (
        f"/grading/submissions/{sub_id}",
        f"/grading/files/{file_id}",
        "/grading/my",
        "/grading/",
        f"/grading/assignments/{ASSIGNMENT}",
    ):
        assert client.get(url).status_code == 401, url
    assert (
        client.post(f"/grading/submissions/{sub_id}/grade", data={"version": "0"}).status_code
        == 401
    )
    assert client.post("/grading/preview", json={"text": "x"}).status_code == 401


def test_the_trainee_sees_their_own_file_but_not_the_marking_page(
    client: FlaskClient, cohort: Cohort
) -> None:
    sub_id, file_id = _annas_work(cohort)
    as_user(client, cohort.anna, Role.TRAINEE, cohort.ctx)
    assert client.get(f"/grading/files/{file_id}").status_code == 200
    assert client.get(f"/grading/submissions/{sub_id}").status_code == 403
    assert (
        client.post(f"/grading/submissions/{sub_id}/grade", data={"version": "0"}).status_code
        == 403
    )
    assert client.get("/grading/").status_code == 403


def test_another_trainee_gets_404_for_files_and_sees_nothing_of_anna(
    client: FlaskClient, cohort: Cohort
) -> None:
    sub_id, file_id = _annas_work(cohort)
    as_user(client, cohort.bela, Role.TRAINEE, cohort.ctx)
    assert client.get(f"/grading/files/{file_id}").status_code == 404
    assert (
        client.get(f"/grading/files/{file_id + 999}").status_code == 404
    )  # same answer as missing
    page = client.get(f"/grading/assignments/{ASSIGNMENT}").get_data(as_text=True)
    assert SECRET not in page
    # Béla's draft never becomes Anna's attempt, and Anna's submission is untouched.
    client.post(f"/grading/assignments/{ASSIGNMENT}/draft", data={"text": "Béla"})
    db.session.expire_all()
    assert db.session.get(Submission, sub_id).text == SECRET  # type: ignore[union-attr]


def test_the_trainer_of_the_course_sees_and_grades(client: FlaskClient, cohort: Cohort) -> None:
    sub_id, file_id = _annas_work(cohort)
    as_user(client, cohort.trainer, Role.TRAINER, cohort.ctx)
    page = client.get(f"/grading/submissions/{sub_id}").get_data(as_text=True)
    assert SECRET in page and 'name="level-ethics-duties"' in page
    assert client.get(f"/grading/files/{file_id}").status_code == 200
    assert (
        client.post(
            f"/grading/submissions/{sub_id}/grade", data={"version": "0", "action": "save"}
        ).status_code
        == 302
    )


def test_drafts_stay_the_trainees_own(client: FlaskClient, cohort: Cohort) -> None:
    draft_id, file_id = _belas_draft(cohort)
    as_user(client, cohort.trainer, Role.TRAINER, cohort.ctx)
    assert client.get(f"/grading/submissions/{draft_id}").status_code == 404
    assert client.get(f"/grading/files/{file_id}").status_code == 404
    assert (
        client.post(f"/grading/submissions/{draft_id}/grade", data={"version": "0"}).status_code
        == 404
    )
    assert "Béla" not in client.get("/grading/?status=all").get_data(as_text=True)


def test_a_trainer_of_another_course_gets_404(client: FlaskClient, cohort: Cohort) -> None:
    sub_id, file_id = _annas_work(cohort)
    as_user(client, cohort.other_trainer, Role.TRAINER, cohort.other)
    assert client.get(f"/grading/submissions/{sub_id}").status_code == 404
    assert client.get(f"/grading/files/{file_id}").status_code == 404
    assert (
        client.post(f"/grading/submissions/{sub_id}/grade", data={"version": "0"}).status_code
        == 404
    )
    assert (
        client.post(f"/grading/submissions/{sub_id}/allocate", data={"marker_id": ""}).status_code
        == 404
    )
    assert "Kovács Anna" not in client.get("/grading/?status=all").get_data(as_text=True)


def test_a_trainer_cannot_release_grades_of_another_course(
    client: FlaskClient, cohort: Cohort
) -> None:
    sub = submitted(cohort.anna, cohort.ctx)
    located = services.find_assignment(ASSIGNMENT)
    levels: dict[str, int | None] = {c.id: 0 for c in located.assignment.rubric}
    save_grade(
        cohort.trainer,
        sub,
        located.assignment,
        Marking(0, levels, {}, "", "needs_revision"),
        mark_ready=True,
    )
    db.session.commit()
    as_user(client, cohort.other_trainer, Role.TRAINER, cohort.other)
    assert (
        client.get(f"/grading/release?ids={sub.id}").status_code == 302
    )  # nothing of theirs to confirm
    client.post("/grading/release", data={"ids": str(sub.id), "confirm": "yes"})
    db.session.expire_all()
    assert db.session.scalar(select(Grade.state)) == "ready"


def test_the_coordinator_reads_but_does_not_grade(client: FlaskClient, cohort: Cohort) -> None:
    sub_id, file_id = _annas_work(cohort)
    as_user(client, cohort.coordinator, Role.COORDINATOR, None)
    page = client.get(f"/grading/submissions/{sub_id}").get_data(as_text=True)
    assert SECRET in page and 'name="level-ethics-duties"' not in page
    assert client.get(f"/grading/files/{file_id}").status_code == 200
    assert (
        client.post(f"/grading/submissions/{sub_id}/grade", data={"version": "0"}).status_code
        == 403
    )


def test_the_trainee_cannot_upload_into_someone_elses_draft(
    client: FlaskClient, cohort: Cohort
) -> None:
    draft_id, file_id = _belas_draft(cohort)
    as_user(client, cohort.anna, Role.TRAINEE, cohort.ctx)
    client.post(
        f"/grading/assignments/{ASSIGNMENT}/draft",
        data={"text": "x", "remove": str(file_id), "files": [(io.BytesIO(tiny_pdf()), "a.pdf")]},
        content_type="multipart/form-data",
    )
    db.session.expire_all()
    assert db.session.get(SubmissionFile, file_id) is not None
    assert db.session.get(Submission, draft_id).text == "Béla vázlata"  # type: ignore[union-attr]


@pytest.mark.parametrize("role", [Role.TRAINEE, Role.COORDINATOR])
def test_only_trainers_use_the_queue_release_and_comment_bank(
    client: FlaskClient, cohort: Cohort, role: Role
) -> None:
    user = cohort.anna if role == Role.TRAINEE else cohort.coordinator
    as_user(client, user, role, cohort.ctx)
    assert client.get("/grading/").status_code == 403
    assert client.post("/grading/release", data={"confirm": "yes"}).status_code == 403
    assert client.post("/grading/comments", data={"text": "x"}).status_code == 403
