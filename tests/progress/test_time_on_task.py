"""Time on task a trainer can trust: heartbeats per lesson, "Mark as complete" waits for the
lesson's minimum, hours by kind, and the "completed with little active time" flag."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from lms_plugin.accounts.models import Role
from lms_plugin.courses.content import ModuleCredit, get_course
from lms_plugin.courses.models import LessonActiveTime
from lms_plugin.courses.time_on_task import min_active_seconds
from lms_plugin.db import db
from lms_plugin.progress import services
from lms_plugin.progress.models import ActiveTime
from lms_plugin.progress.timekeeping import record_heartbeat
from tests.conftest import Factory, login
from tests.time_helpers import credit_lesson_time, finish_module

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture
def course():  # type: ignore[no-untyped-def]
    return get_course("mentor-30h")


def lesson_secs(user_id: int, lesson_id: str) -> int:
    row = db.session.scalar(
        select(LessonActiveTime).where(
            LessonActiveTime.user_id == user_id, LessonActiveTime.lesson_id == lesson_id
        )
    )
    return row.seconds if row else 0


def module_secs(user_id: int, module_id: str) -> int:
    row = db.session.scalar(
        select(ActiveTime).where(ActiveTime.user_id == user_id, ActiveTime.module_id == module_id)
    )
    return row.seconds if row else 0


def test_beats_credit_the_lesson_and_two_tabs_count_once(
    app_ctx: Flask, make: Factory, course
) -> None:  # type: ignore[no-untyped-def]
    user = make.user(make.context(), Role.TRAINEE)
    module = course.core_modules[0]
    first, second = module.lessons[0], module.lessons[1]

    def beat(at: float, lesson: Any) -> int:
        return record_heartbeat(
            user.id,
            course.id,
            module.id,
            T0 + timedelta(seconds=at),
            visible=True,
            idle=False,
            lesson_id=lesson.id,
        )

    for t in range(0, 121, 30):  # tab A reads the first lesson
        beat(t, first)
        beat(t + 15, second)  # tab B, the second lesson, interleaved
    # 0 → 135 s of wall-clock time, counted once, split between the two lessons
    assert lesson_secs(user.id, first.id) + lesson_secs(user.id, second.id) == 135
    assert module_secs(user.id, module.id) == 135
    assert beat(135, first) == 0  # the same moment from another tab credits nothing
    assert lesson_secs(user.id, first.id) == 60 and lesson_secs(user.id, second.id) == 75


def test_heartbeat_answers_the_time_left_and_rejects_a_foreign_lesson(
    client: FlaskClient, make: Factory, course
) -> None:  # type: ignore[no-untyped-def]
    ctx = make.context()
    user = make.user(ctx, Role.TRAINEE)
    db.session.commit()
    login(client, user, Role.TRAINEE, ctx, lang="en")
    module, other = course.core_modules[0], course.core_modules[1]
    lesson = module.lessons[0]
    ok = client.post("/progress/heartbeat", json={"module_id": module.id, "lesson_id": lesson.id})
    body = ok.get_json()
    assert ok.status_code == 200
    assert body["remaining_seconds"] == min_active_seconds(course, lesson)
    assert "minutes of active reading are left" in body["remaining_text"]
    foreign = client.post(
        "/progress/heartbeat", json={"module_id": module.id, "lesson_id": other.lessons[0].id}
    )
    assert foreign.status_code == 404 and foreign.get_json()["error"] == "unknown_lesson"
    assert (
        client.post(
            "/progress/heartbeat", json={"module_id": module.id, "lesson_id": 7}
        ).status_code
        == 404
    )


def _csrf(client: FlaskClient, url: str) -> str:
    import re

    page = client.get(url).get_data(as_text=True)
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found
    return found.group(1)


def test_mark_complete_is_refused_until_the_minimum_then_allowed(
    client: FlaskClient, make: Factory, course
) -> None:  # type: ignore[no-untyped-def]
    ctx = make.context()
    user = make.user(ctx, Role.TRAINEE)
    db.session.commit()
    login(client, user, Role.TRAINEE, ctx, lang="en")
    module = course.core_modules[0]
    lesson = module.lessons[0]
    url = f"/course/{module.id}/lessons/{lesson.id}"
    page = client.get(url).get_data(as_text=True)
    minutes = -(-min_active_seconds(course, lesson) // 60)
    assert f"About {minutes} minutes of active reading are left" in page  # no JS needed
    assert "data-complete-button disabled" in page
    token = _csrf(client, url)

    refused = client.post(f"{url}/complete", data={"csrf_token": token})
    assert refused.status_code == 409
    assert "This lesson cannot be marked complete yet." in refused.get_data(as_text=True)
    as_json = client.post(
        f"{url}/complete",
        data={"csrf_token": token},
        headers={"Accept": "application/json"},
    )
    assert as_json.status_code == 409 and as_json.get_json()["error"] == "time_not_met"
    assert as_json.get_json()["remaining_seconds"] == min_active_seconds(course, lesson)
    assert services.course_progress(user.id, course).module(module.id).lessons_done == 0

    credit_lesson_time(user.id, course, lesson, min_active_seconds(course, lesson) - 30)
    db.session.commit()
    still = client.post(f"{url}/complete", data={"csrf_token": token})
    assert still.status_code == 409 and "About 1 minute of active" in still.get_data(as_text=True)

    credit_lesson_time(user.id, course, lesson)
    db.session.commit()
    page = client.get(url).get_data(as_text=True)
    assert "active reading" not in page and "data-complete-button disabled" not in page
    done = client.post(f"{url}/complete", data={"csrf_token": token})
    assert done.status_code == 302
    assert services.course_progress(user.id, course).module(module.id).lessons_done == 1


def _module_time(user_id: int, course: Any, module: Any, seconds: int) -> None:
    db.session.add(
        ActiveTime(user_id=user_id, course_id=course.id, module_id=module.id, seconds=seconds)
    )
    db.session.flush()


def _with_credit(course: Any, module: Any, credit: ModuleCredit) -> tuple[Any, Any]:
    changed = dataclasses.replace(module, credit=credit, face_to_face_hours=0)
    modules = tuple(changed if m.id == module.id else m for m in course.modules)
    return dataclasses.replace(course, modules=modules), changed


def test_hours_are_credited_by_kind_and_completion_needs_every_part(
    app_ctx: Flask, make: Factory, course, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    base = next(m for m in course.core_modules if m.assignment is not None and m.quiz)
    hours = float(base.hours)
    split = ModuleCredit(online=hours - 2, assignment=1, live=0.5, practicum=0.5)
    strict, module = _with_credit(course, base, split)
    user = make.user(make.context(), Role.TRAINEE)
    state = {"assignment": "submitted", "live": 0.0, "journal": "draft"}
    monkeypatch.setattr(services, "_assignment_state", lambda u, a: state["assignment"])
    monkeypatch.setattr(services, "attended_hours", lambda u, c: {module.id: state["live"]})
    monkeypatch.setattr(services, "journal_states", lambda u, c: {module.id: state["journal"]})
    for earlier in strict.core_modules[: strict.core_modules.index(module)]:
        finish_module(user.id, strict, earlier)
    finish_module(user.id, strict, module)

    def mp():  # type: ignore[no-untyped-def]
        return services.course_progress(user.id, strict).module(module.id)

    assert mp().hours_by_kind == {"online": hours - 2, "assignment": 0, "live": 0, "practicum": 0}
    assert mp().status != "complete"
    state["assignment"] = "passed"  # credit_rules.assignment: passed (the default)
    assert mp().hours_by_kind["assignment"] == 1
    state["live"] = 0.25  # half the live hours attended
    assert mp().hours_by_kind["live"] == 0.25 and mp().status != "complete"
    state["live"] = 3.0  # more than declared counts as declared
    state["journal"] = "passed"
    assert mp().hours_by_kind == {
        "online": hours - 2,
        "assignment": 1,
        "live": 0.5,
        "practicum": 0.5,
    }
    assert mp().status == "complete" and mp().hours_credited == pytest.approx(hours)
    totals = services.course_progress(user.id, strict)
    assert totals.hours_by_kind["practicum"] == 0.5
    assert totals.hours_total_by_kind["assignment"] >= 1


def test_lessons_without_the_minimum_time_credit_no_online_hours_and_are_flagged(
    app_ctx: Flask, make: Factory, course
) -> None:  # type: ignore[no-untyped-def]
    user = make.user(make.context(), Role.TRAINEE)
    module = course.core_modules[0]
    finish_module(user.id, course, module, with_time=False)
    progress = services.course_progress(user.id, course)
    mp = progress.module(module.id)
    assert mp.lessons_done == len(module.lessons) and mp.status != "complete"
    assert progress.hours_credited == 0
    assert mp.lessons_short == tuple(lesson.id for lesson in module.lessons)
    assert mp.little_active_time and progress.little_active_time == (mp,)


def test_module_time_below_its_lessons_minimums_is_flagged(
    app_ctx: Flask, make: Factory, course
) -> None:  # type: ignore[no-untyped-def]
    user = make.user(make.context(), Role.TRAINEE)
    module = course.core_modules[0]
    finish_module(user.id, course, module)
    minimum = sum(min_active_seconds(course, lesson) for lesson in module.lessons)
    _module_time(user.id, course, module, minimum - 60)
    mp = services.course_progress(user.id, course).module(module.id)
    assert mp.status == "complete" and mp.min_active_seconds == minimum
    assert mp.little_active_time and not mp.lessons_short
    db.session.execute(
        ActiveTime.__table__.update().where(ActiveTime.user_id == user.id).values(seconds=minimum)
    )
    assert not services.course_progress(user.id, course).module(module.id).little_active_time


def test_trainer_sees_the_flag_and_the_evidence(client: FlaskClient, make: Factory, course) -> None:  # type: ignore[no-untyped-def]
    ctx = make.context()
    trainer = make.user(ctx, Role.TRAINER)
    user = make.user(ctx, Role.TRAINEE, name="Kovács Anna")
    module = course.core_modules[0]
    finish_module(user.id, course, module)
    legacy = module.lessons[0]
    row = db.session.scalar(
        select(LessonActiveTime).where(
            LessonActiveTime.user_id == user.id, LessonActiveTime.lesson_id == legacy.id
        )
    )
    row.seconds, row.is_legacy_completion = 0, True  # as migration 0015 marks old completions
    services.on_progress_event(user.id, course.id)
    db.session.commit()
    login(client, trainer, Role.TRAINER, ctx, lang="en")
    cohort = client.get("/progress/cohort").get_data(as_text=True)
    assert 'data-flag="little-time"' in cohort and "completed with little active time" in cohort
    csv_lines = client.get("/progress/cohort.csv").get_data(as_text=True).splitlines()
    header = csv_lines[0].lstrip("\ufeff").split(",")
    assert header[7:12] == [
        "Hours: online",
        "Hours: assignment",
        "Hours: live",
        "Hours: practicum",
        "Modules completed with little active time",
    ]
    assert csv_lines[1].split(",")[11] == "1"
    page = client.get(f"/progress/trainee/{user.id}").get_data(as_text=True)
    assert "Evidence per module" in page and "Active time / minimum" in page
    assert "Completed before time on task was recorded: " + legacy.title["en"] in page
    mp = services.course_progress(user.id, course).module(module.id)
    assert mp.status == "complete" and mp.hours_credited > 0  # the old completion still counts
    assert "Record workshop attendance" not in page
    gone = client.post(
        f"/progress/trainee/{user.id}/attendance",
        data={"module_id": module.id, "hours": "2", "session_date": "2026-01-01", "reason": "x"},
    )
    assert gone.status_code in (404, 405)


def test_trainee_pages_show_hours_by_kind(client: FlaskClient, make: Factory, course) -> None:  # type: ignore[no-untyped-def]
    ctx = make.context()
    user = make.user(ctx, Role.TRAINEE)
    finish_module(user.id, course, course.core_modules[0])
    db.session.commit()
    login(client, user, Role.TRAINEE, ctx, lang="en")
    for url in ("/", "/progress/", "/certificate"):
        page = client.get(url)
        assert page.status_code == 200, url
        text = page.get_data(as_text=True)
        assert 'aria-label="Hours by kind"' in text and "Online learning" in text, url
