"""Credited hours per rule, audited trainer overrides, the cohort view with roster-only trainees."""

from __future__ import annotations

import dataclasses
import io
from datetime import timedelta

import openpyxl
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from lms_plugin.accounts.models import Membership, Role
from lms_plugin.courses.content import get_course
from lms_plugin.courses.credit_format import hours_by_kind
from lms_plugin.courses.models import LessonProgress
from lms_plugin.db import db, utcnow
from lms_plugin.errors import DomainError
from lms_plugin.progress import services
from lms_plugin.progress.models import ActiveTime, CourseSummary, ProgressAudit
from tests.conftest import Factory, login
from tests.time_helpers import finish_module


def live_hours(module) -> float:  # type: ignore[no-untyped-def]
    return hours_by_kind(module)["live"]


def not_live(module) -> float:  # type: ignore[no-untyped-def]
    return float(module.hours) - live_hours(module)


@pytest.fixture
def course():  # type: ignore[no-untyped-def]
    return get_course("mentor-30h")


@pytest.fixture(autouse=True)
def assignments_submitted(monkeypatch: pytest.MonkeyPatch) -> None:
    """Grading is tested in tests/grading; here assignments count as submitted."""
    monkeypatch.setattr(services, "_assignment_state", lambda user_id, assignment_id: "submitted")


def test_module_hours_credited_when_complete_and_next_opens(
    app_ctx: Flask, make: Factory, course
) -> None:  # type: ignore[no-untyped-def]
    user = make.user(make.context(), Role.TRAINEE)
    first, second = course.core_modules[0], course.core_modules[1]
    progress = services.course_progress(user.id, course)
    assert progress.hours_credited == 0
    assert progress.module(first.id).status == "open"
    assert progress.module(second.id).status == "locked"
    assert progress.next_step == {
        "kind": "lesson",
        "module_id": first.id,
        "lesson_id": first.lessons[0].id,
    }
    finish_module(user.id, course, first)
    progress = services.course_progress(user.id, course)
    assert progress.module(first.id).status == "complete"
    assert progress.module(second.id).status == "open"
    assert progress.hours_credited == not_live(first)


def test_half_finished_module_credits_nothing(app_ctx: Flask, make: Factory, course) -> None:  # type: ignore[no-untyped-def]
    user = make.user(make.context(), Role.TRAINEE)
    first = course.core_modules[0]
    now = utcnow()
    db.session.add(
        LessonProgress(
            user_id=user.id,
            course_id=course.id,
            lesson_id=first.lessons[0].id,
            module_id=first.id,
            opened_at=now,
            completed_at=now,
        )
    )
    db.session.flush()
    progress = services.course_progress(user.id, course)
    assert progress.module(first.id).status == "in_progress"
    assert progress.hours_credited == 0


def test_live_hours_come_only_from_live_session_facts(
    app_ctx: Flask, make: Factory, course, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    module = next(m for m in course.core_modules if live_hours(m))
    user = make.user(make.context(), Role.TRAINEE)
    for m in course.core_modules:
        finish_module(user.id, course, m)
        if m.id == module.id:
            break
    before = services.course_progress(user.id, course)
    assert before.module(module.id).hours_by_kind["live"] == 0
    attended = {module.id: live_hours(module) + 5}  # more than declared counts as declared
    monkeypatch.setattr(services, "attended_hours", lambda user_id, course_id: attended)
    after = services.course_progress(user.id, course)
    assert after.hours_credited - before.hours_credited == pytest.approx(live_hours(module))
    assert after.module(module.id).hours_by_kind["live"] == pytest.approx(live_hours(module))
    assert after.hours_by_kind["live"] == pytest.approx(live_hours(module))


def test_all_modules_and_live_sessions_make_thirty_hours(
    app_ctx: Flask, make: Factory, course, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    user = make.user(make.context(), Role.TRAINEE)
    for module in course.core_modules:
        finish_module(user.id, course, module)
    attended = {m.id: live_hours(m) for m in course.core_modules}
    monkeypatch.setattr(services, "attended_hours", lambda user_id, course_id: attended)
    states = {m.id: "passed" for m in course.core_modules}
    monkeypatch.setattr(services, "journal_states", lambda user_id, course_id: states)
    monkeypatch.setattr(services, "_assignment_state", lambda user_id, assignment_id: "passed")
    progress = services.course_progress(user.id, course)
    assert progress.hours_credited == pytest.approx(course.hours) == pytest.approx(30)
    assert sum(progress.hours_by_kind.values()) == pytest.approx(30)


def test_minimum_active_time_rule(app_ctx: Flask, make: Factory, course) -> None:  # type: ignore[no-untyped-def]
    first = dataclasses.replace(course.core_modules[0], min_active_minutes=20)
    strict = dataclasses.replace(course, modules=(first, *course.modules[1:]))
    user = make.user(make.context(), Role.TRAINEE)
    finish_module(user.id, strict, first)
    assert services.course_progress(user.id, strict).module(first.id).status == "in_progress"
    db.session.add(
        ActiveTime(user_id=user.id, course_id=course.id, module_id=first.id, seconds=20 * 60)
    )
    db.session.flush()
    assert services.course_progress(user.id, strict).module(first.id).status == "complete"


def test_trainer_override_is_audited(app_ctx: Flask, make: Factory, course) -> None:  # type: ignore[no-untyped-def]
    ctx = make.context()
    trainer = make.user(ctx, Role.TRAINER)
    user = make.user(ctx, Role.TRAINEE)
    module = course.core_modules[0]
    with pytest.raises(DomainError):
        services.mark_module_complete(trainer, user.id, course, module.id, "  ")
    services.mark_module_complete(
        trainer, user.id, course, module.id, "Completed the module on paper"
    )
    db.session.commit()
    assert services.course_progress(user.id, course).module(module.id).status == "complete"
    audit = db.session.scalar(select(ProgressAudit))
    assert audit.actor_id == trainer.id and audit.user_id == user.id
    assert audit.before == {"status": "open"} and audit.after == {"status": "complete"}
    assert audit.reason == "Completed the module on paper"


def test_cohort_shows_roster_only_trainee_and_flags_stalled(
    app_ctx: Flask, client: FlaskClient, make: Factory, course
) -> None:  # type: ignore[no-untyped-def]
    ctx = make.context()
    trainer = make.user(ctx, Role.TRAINER, name="Nagy Éva")
    active = make.user(ctx, Role.TRAINEE, name="Kovács Anna")
    roster_only = make.user(None, Role.TRAINEE, name="Balogh Bence")
    roster_only.platform_id = ctx.platform_id
    db.session.add(
        Membership(
            context_pk=ctx.id,
            user_id=roster_only.id,
            role="trainee",
            source="roster",
            has_launched=False,
        )
    )
    finish_module(active.id, course, course.core_modules[0])
    services.on_progress_event(active.id, course.id)
    db.session.commit()
    login(client, trainer, Role.TRAINER, ctx, lang="en")
    page = client.get("/progress/cohort").get_data(as_text=True)
    assert "Kovács Anna" in page and "Balogh Bence" in page, page[page.find("<main") :][:3000]
    assert "never launched" in page, page[page.find("Balogh") - 300 :][:800]
    stalled = client.get("/progress/cohort?stalled=1").get_data(as_text=True)
    # Issue 17: not having started is not "stalled"; starting and then stopping is.
    assert "Balogh Bence" not in stalled and "Kovács Anna" not in stalled
    summary = db.session.scalar(select(CourseSummary).where(CourseSummary.user_id == active.id))
    assert summary is not None
    summary.last_activity_at = utcnow() - timedelta(days=30)
    db.session.commit()
    stalled = client.get("/progress/cohort?stalled=1").get_data(as_text=True)
    assert "Kovács Anna" in stalled and "Balogh Bence" not in stalled
    csv_text = client.get("/progress/cohort.csv?sort=hours&dir=desc").get_data(as_text=True)
    lines = csv_text.lstrip("\ufeff").splitlines()
    assert lines[0].startswith("Name,Launched,Hours credited")  # for people, in their language
    assert lines[1].startswith("Kovács Anna,yes,") and lines[2].startswith("Balogh Bence,no,0")
    # In Hungarian: Excel's ";" separator, Hungarian headers, words instead of codes.
    login(client, trainer, Role.TRAINER, ctx, lang="hu")
    hu = client.get("/progress/cohort.csv?sort=hours&dir=desc").get_data(as_text=True)
    hu_lines = hu.lstrip("\ufeff").splitlines()
    assert hu_lines[0].startswith("Név;Elindította;")
    assert "Utolsó tevékenység (Europe/Budapest idő szerint)" in hu_lines[0]
    assert hu_lines[1].startswith("Kovács Anna;igen;")
    assert "locked" not in hu and "in_progress" not in hu
    book = client.get("/progress/cohort.csv?sort=hours&dir=desc&format=xlsx")
    assert book.mimetype.endswith("spreadsheetml.sheet")
    sheet = openpyxl.load_workbook(io.BytesIO(book.data)).active
    assert sheet is not None and sheet.cell(2, 1).value == "Kovács Anna"


def test_cohort_and_overrides_need_a_trainer_of_this_context(
    app_ctx: Flask, client: FlaskClient, make: Factory
) -> None:
    ctx, other_ctx = make.context(), make.context()
    trainee = make.user(ctx, Role.TRAINEE)
    other_trainer = make.user(other_ctx, Role.TRAINER)
    db.session.commit()
    login(client, trainee, Role.TRAINEE, ctx)
    assert client.get("/progress/cohort").status_code == 403
    assert (
        client.post(
            f"/progress/trainee/{trainee.id}/complete",
            data={"module_id": "programme", "reason": "x y z"},
        ).status_code
        == 403
    )
    login(client, other_trainer, Role.TRAINER, other_ctx)
    assert client.get(f"/progress/trainee/{trainee.id}").status_code == 404
    assert (
        client.post(
            f"/progress/trainee/{trainee.id}/complete",
            data={"module_id": "programme", "reason": "x y z"},
        ).status_code
        == 404
    )


def test_dashboard_shows_hours_and_next_step(
    app_ctx: Flask, client: FlaskClient, make: Factory, course
) -> None:  # type: ignore[no-untyped-def]
    ctx = make.context()
    user = make.user(ctx, Role.TRAINEE)
    finish_module(user.id, course, course.core_modules[0])
    db.session.commit()
    login(client, user, Role.TRAINEE, ctx, lang="en")
    page = client.get("/progress/").get_data(as_text=True)
    hours = not_live(course.core_modules[0])
    assert f"{hours:g} of 30 hours credited" in page, page[page.find("<main") :][:1500]
    assert "Next step" in page
    assert (utcnow() - timedelta(days=1)).year >= 2026
