"""The stored progress snapshot (lms_plugin/progress/snapshot.py): the trainee's pages read one row
instead of recomputing, and what they read always equals a fresh computation."""

from __future__ import annotations

import dataclasses

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from lms_plugin.accounts.models import Role
from lms_plugin.certification import services as certification
from lms_plugin.certification.models import Certificate
from lms_plugin.courses.content import Course, get_course
from lms_plugin.courses.models import LessonProgress
from lms_plugin.courses.services import open_lesson
from lms_plugin.db import db, utcnow
from lms_plugin.progress import services, snapshot
from lms_plugin.progress.models import CourseSummary
from tests.browser import seeding
from tests.browser.seeding import complete_remaining_modules
from tests.conftest import Factory, login
from tests.performance.conftest import count_queries
from tests.time_helpers import complete_with_time

COURSE = "mentor-30h"
FACT_TABLES = (
    "FROM quiz_attempts",
    "FROM active_times",
    "FROM module_overrides",
    "FROM live_marks",
)


def _lesson_path(course: Course, n_module: int = 0, n_lesson: int = 0) -> str:
    module = course.core_modules[n_module]
    return f"/course/{module.id}/lessons/{module.lessons[n_lesson].id}"


def _same_as_computed(user_id: int, course: Course) -> snapshot.CourseProgress:
    kept = snapshot.stored(user_id, course)
    assert kept is not None, "no current snapshot"
    snapshot.check(kept, services.compute(user_id, course))  # raises SnapshotStale
    return kept


def test_a_first_visit_stores_it_and_the_next_page_reads_it(
    app: Flask, client: FlaskClient, make: Factory
) -> None:
    context = make.context()
    user = make.user(context, Role.TRAINEE)
    db.session.commit()
    login(client, user, Role.TRAINEE, context, lang="en")
    course = get_course(COURSE)
    first = course.core_modules[0]
    assert client.get(_lesson_path(course)).status_code == 200
    kept = _same_as_computed(user.id, course)
    mine = kept.module(first.id)
    assert mine is not None and mine.status == "in_progress"  # opened: started
    with count_queries(app) as lesson_page:
        assert client.get(_lesson_path(course)).status_code == 200
    with count_queries(app) as home:
        page = client.get("/")
    assert page.status_code == 200
    for found in (lesson_page, home):
        sql = found.report()
        assert "course_summaries.snapshot" in sql
        assert not [t for t in FACT_TABLES if t in sql], sql  # no recomputation
    assert "Continue" in page.get_data(as_text=True)


def test_it_follows_every_kind_of_fact_through_the_whole_course(
    app: Flask, make: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Lessons (with time), knowledge checks, assignments graded and released, live sessions
    marked, practicum journals, the course evaluation, the certificate issued and revoked: after
    each module, what the trainee's pages would read equals a fresh computation."""
    context = make.context()
    trainee = make.user(context, Role.TRAINEE, name="Ábrahám Éva")
    trainer = make.user(context, Role.TRAINER, name="Tóth Tamás")
    db.session.commit()
    course = get_course(COURSE)
    module_ids = [m.id for m in course.core_modules]
    with app.app_context():
        first = course.core_modules[0]
        open_lesson(trainee.id, course, first.lessons[0], context.id)
        _same_as_computed(trainee.id, course)
        complete_with_time(trainee.id, course, first.lessons[0], context.id)
        kept = _same_as_computed(trainee.id, course)
        assert kept.module(first.id).lessons_done == 1  # type: ignore[union-attr]
        db.session.commit()
    send_evaluation = seeding._send_course_evaluation  # it opens after the last module
    monkeypatch.setattr(seeding, "_send_course_evaluation", lambda *_args: None)
    for module_id in module_ids:
        if module_id == module_ids[-1]:
            monkeypatch.setattr(seeding, "_send_course_evaluation", send_evaluation)
        others = tuple(m for m in module_ids if m != module_id)
        complete_remaining_modules(app, trainee.sub, except_modules=others)
        with app.app_context():
            kept = _same_as_computed(trainee.id, course)
            assert kept.module(module_id).status == "complete"  # type: ignore[union-attr]
    with app.app_context():
        cert = db.session.scalar(select(Certificate).where(Certificate.user_id == trainee.id))
        assert cert is not None, "the whole course done: certified"
        kept = _same_as_computed(trainee.id, course)
        assert kept.certified is True
        refresher = next(m for m in course.modules if m.kind == "refresher")
        assert kept.module(refresher.id).status != "locked"  # type: ignore[union-attr]
        trainer_row = db.session.get(type(trainer), trainer.id)
        certification.revoke(cert, trainer_row, "Tesztelés: visszavonás")  # type: ignore[arg-type]
        _same_as_computed(trainee.id, course)
        db.session.commit()


def test_a_changed_course_is_recomputed_not_read_from_an_old_snapshot(
    app_ctx: Flask, make: Factory
) -> None:
    context = make.context()
    user = make.user(context, Role.TRAINEE)
    course = get_course(COURSE)
    open_lesson(user.id, course, course.core_modules[0].lessons[0], context.id)
    assert snapshot.stored(user.id, course) is not None
    changed = dataclasses.replace(course, content_hash="another-version-of-the-files")
    assert snapshot.stored(user.id, changed) is None
    assert services.course_progress(user.id, changed).course_id == COURSE  # computed instead


def test_a_fact_written_without_its_event_is_caught(app_ctx: Flask, make: Factory) -> None:
    """The check the test suite runs on every page (PROGRESS_SNAPSHOT_CHECK) can fail: a lesson
    completion written behind progress's back leaves the snapshot behind, and it says so."""
    context = make.context()
    user = make.user(context, Role.TRAINEE)
    course = get_course(COURSE)
    lesson = course.core_modules[0].lessons[0]
    row = open_lesson(user.id, course, lesson, context.id)
    assert isinstance(row, LessonProgress)
    row.completed_at = utcnow()  # no ProgressChanged
    db.session.flush()
    kept = snapshot.stored(user.id, course)
    assert kept is not None
    with pytest.raises(snapshot.SnapshotStale, match="lessons_done"):
        snapshot.check(kept, services.compute(user.id, course))


def test_an_old_shape_is_ignored(app_ctx: Flask, make: Factory) -> None:
    context = make.context()
    user = make.user(context, Role.TRAINEE)
    course = get_course(COURSE)
    open_lesson(user.id, course, course.core_modules[0].lessons[0], context.id)
    summary = db.session.scalar(select(CourseSummary).where(CourseSummary.user_id == user.id))
    assert summary is not None
    summary.snapshot = {"modules": "not a list of modules"}
    db.session.flush()
    assert snapshot.stored(user.id, course) is None


def test_a_new_attempt_after_needs_revision_is_what_the_pages_show(
    app: Flask, client: FlaskClient, make: Factory
) -> None:
    """Found in review: opening a new attempt after "needs revision" published nothing, so the
    landing page went on saying the work waited for revision (and the suite's check failed)."""
    from lms_plugin.grading import services as grading
    from lms_plugin.grading.release import release
    from lms_plugin.grading.workflow import REVISE, Marking, save_grade

    context = make.context()
    trainee = make.user(context, Role.TRAINEE)
    trainer = make.user(context, Role.TRAINER)
    course = get_course(COURSE)
    module = next(m for m in course.core_modules if m.assignment is not None)
    assignment = module.assignment
    assert assignment is not None
    located = grading.find_assignment(assignment.id)
    open_lesson(trainee.id, course, module.lessons[0], context.id)
    draft = grading.open_draft(trainee, context.id, located)
    grading.save_text(draft, located, "Az első változat: a terv vázlata, a célok még hiányoznak.")
    submitted = grading.submit(draft, located, context.id)
    lowest = {c.id: 0 for c in assignment.rubric}
    grade = save_grade(
        trainer,
        submitted,
        assignment,
        Marking(version=0, levels=lowest, feedback="Kérem, egészítse ki.", outcome=REVISE),  # type: ignore[arg-type]
        mark_ready=True,
    )
    release(trainer, [grade])
    assert f"{module.id}:needs_revision" in _same_as_computed(trainee.id, course).waiting
    grading.open_draft(trainee, context.id, located)  # the second attempt
    db.session.commit()
    assert _same_as_computed(trainee.id, course).waiting == ()
    login(client, trainee, Role.TRAINEE, context, lang="en")
    assert client.get("/").status_code == 200  # the suite's check compares it on the page too
