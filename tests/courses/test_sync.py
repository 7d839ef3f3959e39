"""`courses sync` records versions; removed items are reported and their progress is kept."""

from __future__ import annotations

import shutil
from pathlib import Path

from flask import Flask
from sqlalchemy import select

from lms_plugin.accounts.models import Role
from lms_plugin.courses import services
from lms_plugin.courses.content import get_course, reload_courses
from lms_plugin.courses.models import CourseVersion, Enrolment, LessonProgress
from lms_plugin.db import db
from tests.conftest import Factory
from tests.time_helpers import complete_with_time


def _versions() -> list[CourseVersion]:
    return list(db.session.scalars(select(CourseVersion).order_by(CourseVersion.id)))


def _remove_second_lesson(course_dir: Path) -> None:
    """A writer deletes a lesson (and the link to it) and raises the version."""
    lessons = course_dir / "modules/01-basics/lessons"
    for lang in ("hu", "en"):
        (lessons / f"02-second.{lang}.md").unlink()
        first = lessons / f"01-first.{lang}.md"
        first.write_text(first.read_text().replace("(lesson:second)", "(lesson:third)"))
    yaml = course_dir / "course.yaml"
    yaml.write_text(yaml.read_text().replace('version: "1.0.0"', 'version: "1.1.0"'))


def test_sync_records_a_version_once(app_ctx: Flask, tiny_dir: Path) -> None:
    first = services.sync_all()
    assert first[0].startswith("tiny 1.0.0 (") and "recorded (3 modules, 4 lessons" in first[0]
    (row,) = _versions()
    assert row.items["lessons"] == ["first", "second", "third", "renewal"]
    assert row.items["quizzes"] == ["basics-check"]
    assert row.items["assignments"] == ["practice-task"]
    again = services.sync_all()
    assert again == [f"tiny 1.0.0 ({row.content_hash[:12]}): unchanged."]
    assert len(_versions()) == 1


def test_changed_content_gets_a_new_version_and_removed_items_are_reported(
    app_ctx: Flask, make: Factory, tiny_dir: Path
) -> None:
    services.sync_all()
    context = make.context()
    user = make.user(context, Role.TRAINEE)
    course = get_course("tiny")
    basics = course.module("basics")
    assert basics is not None
    complete_with_time(user.id, course, basics.lessons[1], context.id)  # "second"
    db.session.commit()

    _remove_second_lesson(tiny_dir / "tiny")
    lines = services.sync_all()

    assert "new version recorded (previous 1.0.0" in lines[0]
    assert any(
        line.strip().startswith("REMOVED lessons: second") and "kept" in line for line in lines
    )
    old, new = _versions()
    assert (old.version, new.version) == ("1.0.0", "1.1.0")
    assert "second" in old.items["lessons"] and "second" not in new.items["lessons"]
    kept = db.session.scalar(select(LessonProgress).where(LessonProgress.lesson_id == "second"))
    assert kept is not None and kept.completed_at is not None
    enrolment = db.session.scalar(select(Enrolment).where(Enrolment.user_id == user.id))
    assert enrolment is not None and enrolment.course_version_id == old.id  # started on 1.0.0


def test_unchanged_version_string_is_warned_about(app_ctx: Flask, tiny_dir: Path) -> None:
    services.sync_all()
    lesson = tiny_dir / "tiny/modules/02-practice/lessons/01-third.en.md"
    lesson.write_text(lesson.read_text() + "\nOne more sentence.\n")
    lines = services.sync_all()
    assert "new version recorded" in lines[0]
    assert any("version is still '1.0.0'" in line for line in lines)
    assert not any("REMOVED" in line for line in lines)


def test_sync_command_and_problem_hint(app: Flask, tiny_dir: Path) -> None:
    broken = tiny_dir / "tiny/modules/02-practice/lessons/01-third.en.md"
    broken.write_text(broken.read_text().replace("lesson:first", "lesson:missing"))
    result = app.test_cli_runner().invoke(args=["courses", "sync"])
    assert result.exit_code == 0, result.output
    assert "tiny 1.0.0" in result.output and "recorded" in result.output
    assert "1 problem(s) in the course files" in result.output


def test_new_course_folder_is_picked_up(app_ctx: Flask, tiny_dir: Path) -> None:
    copy = tiny_dir / "tiny2"
    shutil.copytree(tiny_dir / "tiny", copy)
    yaml = copy / "course.yaml"
    yaml.write_text(yaml.read_text().replace("id: tiny", "id: tiny2"))
    reload_courses()
    lines = services.sync_all()
    assert any(line.startswith("tiny 1.0.0") for line in lines)
    assert any(line.startswith("tiny2 1.0.0") for line in lines)
