"""One availability rule for every route: a locked module's lessons, check, assignment and files."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from lms_plugin.accounts.models import LmsContext, Role, User
from lms_plugin.courses.availability import availability, module_availability
from lms_plugin.courses.content import Course
from lms_plugin.courses.models import AvailabilityException, LessonProgress
from lms_plugin.db import db
from lms_plugin.grading.models import Submission
from lms_plugin.progress.models import ProgressAudit
from tests.conftest import Factory, login

ASSIGNMENT = "practice-task"  # in module "practice", locked until "basics" is complete


def _trainee(client: FlaskClient, make: Factory) -> tuple[User, LmsContext]:
    context = make.context()
    user = make.user(context, Role.TRAINEE)
    db.session.commit()
    login(client, user, Role.TRAINEE, context)
    with client.session_transaction() as sess:
        sess["lang"] = "en"
    return user, context


def _count(model: type) -> int:
    return int(db.session.scalar(select(func.count()).select_from(model)) or 0)


def test_the_rule_names_what_unlocks_each_module(
    app_ctx: Flask, make: Factory, tiny: Course
) -> None:
    user = make.user(make.context(), Role.TRAINEE)
    states = module_availability(user.id, tiny)
    assert states["basics"].open and not states["basics"].reasons
    practice = states["practice"]
    assert not practice.open
    assert [(r.kind, r.endpoint, r.values) for r in practice.reasons] == [
        ("sequence", "courses.module", {"module_id": "basics"})
    ]
    assert [r.kind for r in states["refresh"].reasons] == ["certificate"]
    # Every item of a module shares its module's answer: the assignment too.
    module = tiny.module("practice")
    assert module is not None and module.assignment is not None
    assert not availability(user, tiny, module.assignment).open
    assert not availability(user, tiny, module.lessons[0]).open
    basics = tiny.module("basics")
    assert basics is not None and basics.quiz is not None
    assert availability(user.id, tiny, basics.quiz).open


def test_a_locked_assignment_cannot_be_opened_or_submitted_by_any_route(
    client: FlaskClient, make: Factory, tiny: Course
) -> None:
    _trainee(client, make)
    mine = client.get("/grading/my")
    assert mine.status_code == 200
    text = mine.get_data(as_text=True)
    assert f'href="/grading/assignments/{ASSIGNMENT}"' not in text
    assert "Available when:" in text and 'href="/course/basics/"' in text

    page = client.get(f"/grading/assignments/{ASSIGNMENT}")
    assert page.status_code == 403
    body = page.get_data(as_text=True)
    assert "Available when:" in body and 'href="/course/basics/"' in body
    assert "Practice task" in body  # the page says which item is closed, never a bare 403

    draft = client.post(
        f"/grading/assignments/{ASSIGNMENT}/draft",
        data={"text": "My answer", "files": (io.BytesIO(b"%PDF-1.4\n"), "a.pdf")},
        content_type="multipart/form-data",
    )
    assert draft.status_code == 403
    assert client.get(f"/grading/assignments/{ASSIGNMENT}/submit").status_code == 403
    assert client.post(f"/grading/assignments/{ASSIGNMENT}/submit").status_code == 403
    assert _count(Submission) == 0


def test_locked_lessons_checks_and_files_answer_with_available_when(
    client: FlaskClient, make: Factory, tiny: Course, tiny_dir: Path
) -> None:
    images = tiny_dir / "tiny/modules/02-practice/images"
    images.mkdir()
    shutil.copy(tiny_dir / "tiny/modules/01-basics/images/diagram.png", images / "diagram.png")
    _trainee(client, make)
    lesson = client.get("/course/practice/lessons/third")
    assert lesson.status_code == 403
    assert 'href="/course/basics/"' in lesson.get_data(as_text=True)
    assert client.post("/course/practice/lessons/third/complete").status_code == 403
    assert _count(LessonProgress) == 0
    assert client.get("/course/practice/").status_code == 403
    assert client.get("/course/practice/images/diagram.png").status_code == 403
    assert client.get("/course/basics/images/diagram.png").status_code == 200
    as_json = client.get(
        f"/grading/assignments/{ASSIGNMENT}", headers={"Accept": "application/json"}
    )
    assert as_json.status_code == 403 and as_json.get_json()["error"] == "not_available"
    home = client.get("/course/").get_data(as_text=True)
    assert "Available when:" in home


def test_completing_the_previous_module_opens_the_assignment(
    client: FlaskClient, make: Factory, tiny: Course
) -> None:
    from lms_plugin.progress.services import mark_module_complete

    user, context = _trainee(client, make)
    trainer = make.user(context, Role.TRAINER)
    mark_module_complete(trainer, user.id, tiny, "basics", "completed on paper")
    db.session.commit()
    assert client.get(f"/grading/assignments/{ASSIGNMENT}").status_code == 200
    saved = client.post(f"/grading/assignments/{ASSIGNMENT}/draft", data={"text": "Mine"})
    assert saved.status_code == 302
    assert client.post(f"/grading/assignments/{ASSIGNMENT}/submit").status_code == 302
    assert _count(Submission) == 1


def test_trainers_see_every_item(client: FlaskClient, make: Factory, tiny: Course) -> None:
    context = make.context()
    trainer = make.user(context, Role.TRAINER)
    db.session.commit()
    login(client, trainer, Role.TRAINER, context)
    assert client.get(f"/grading/assignments/{ASSIGNMENT}").status_code == 200
    assert client.get("/course/practice/lessons/third").status_code == 200


def test_a_trainer_opens_a_module_early_with_an_audited_reason(
    client: FlaskClient, make: Factory, tiny: Course
) -> None:
    context = make.context()
    trainee = make.user(context, Role.TRAINEE)
    trainer = make.user(context, Role.TRAINER)
    other_context = make.context()
    elsewhere = make.user(other_context, Role.TRAINER)
    db.session.commit()
    url = f"/course/trainee/{trainee.id}/open"

    login(client, trainee, Role.TRAINEE, context)
    assert client.post(url, data={"module_id": "practice", "reason": "mine"}).status_code == 403
    login(client, elsewhere, Role.TRAINER, other_context)
    assert client.post(url, data={"module_id": "practice", "reason": "x" * 5}).status_code == 404

    login(client, trainer, Role.TRAINER, context)
    short = client.post(url, data={"module_id": "practice", "reason": ""})
    assert short.status_code == 302 and _count(AvailabilityException) == 0
    page = client.get(f"/progress/trainee/{trainee.id}").get_data(as_text=True)
    assert f'action="{url}"' in page  # the button on the trainee's progress page
    done = client.post(url, data={"module_id": "practice", "reason": "Works ahead in a pilot"})
    assert done.status_code == 302
    audit = db.session.scalar(select(ProgressAudit).where(ProgressAudit.action == "open_early"))
    assert audit is not None and audit.actor_id == trainer.id and audit.user_id == trainee.id
    assert audit.reason == "Works ahead in a pilot" and audit.module_id == "practice"

    login(client, trainee, Role.TRAINEE, context)
    assert client.get(f"/grading/assignments/{ASSIGNMENT}").status_code == 200
    assert client.get("/course/practice/lessons/third").status_code == 200
    again = availability(trainee, tiny, tiny.modules[1])
    assert again.open and again.by_exception
