"""The content loader: dataclasses as the architecture promises, cached per COURSES_DIR."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from lms_plugin.courses.content import (
    Course,
    all_courses,
    get_course,
    localized,
    reload_courses,
)
from lms_plugin.errors import NotFound


def test_course_structure(tiny: Course) -> None:
    assert tiny.id == "tiny" and tiny.version == "1.0.0"
    assert tiny.languages == ("hu", "en") and tiny.default_language == "hu"
    assert tiny.hours == 2 and tiny.sequential is True
    assert tiny.assignment_completion == "submitted"
    assert [m.id for m in tiny.modules] == ["basics", "practice", "refresh"]
    assert [m.id for m in tiny.core_modules] == ["basics", "practice"]
    assert tiny.refresher is not None and tiny.refresher.id == "refresh"
    assert tiny.certification.min_hours == 2 and tiny.certification.issuer["en"] == "Test Issuer"
    assert [q.id for q in tiny.quizzes] == ["basics-check"]
    assert [a.id for a in tiny.assignments] == ["practice-task"]
    assert len(tiny.content_hash) == 64


def test_modules_and_lessons(tiny: Course) -> None:
    basics = tiny.module("basics")
    assert basics is not None and tiny.module("nope") is None
    assert basics.order == 1 and basics.kind == "core" and basics.hours == 1
    assert basics.objectives["en"] == ("Understand the basics.",)
    assert [(lesson.id, lesson.order, lesson.minutes) for lesson in basics.lessons] == [
        ("first", 1, 5),
        ("second", 2, 10),
    ]
    first = basics.lessons[0]
    assert first.module_id == "basics"
    assert first.title == {"hu": "Első lecke", "en": "First lesson"}
    assert first.body["en"].startswith("## Introduction")
    practice = tiny.module("practice")
    assert practice is not None and practice.face_to_face_hours == 0.5


def test_questions_of_every_type(tiny: Course) -> None:
    quiz = tiny.quizzes[0]
    assert (quiz.module_id, quiz.pass_mark, quiz.attempts) == ("basics", 75, 2)
    single, multiple, truefalse, matching = quiz.questions
    assert single.type == "single" and [o.correct for o in single.options] == [True, False]
    assert single.options[1].feedback["en"] == "No, not that one."
    assert multiple.type == "multiple" and sum(o.correct for o in multiple.options) == 2
    assert truefalse.answer is True
    assert truefalse.feedback_false["en"] == "No, it is blue."
    assert [p.right["en"] for p in matching.pairs] == ["barks", "meows", "moos"]


def test_assignment_and_rubric(tiny: Course) -> None:
    assignment = tiny.assignments[0]
    assert assignment.module_id == "practice"
    assert assignment.submission_types == ("text", "file")
    assert assignment.file_types == ("pdf", "docx") and assignment.max_file_mb == 5.0
    assert (assignment.points, assignment.pass_mark, assignment.max_attempts) == (10, 6, 2)
    assert [c.max_points for c in assignment.rubric] == [6, 4]
    assert assignment.rubric[1].levels[0].title["hu"] == "Zavaros"


def test_localized_falls_back_to_the_default_language() -> None:
    texts = {"hu": "magyar", "en": "English"}
    assert localized(texts, "en") == "English"
    assert localized(texts, "lv") == "magyar"
    assert localized({"en": "only English"}, "hu", "hu") == "only English"


def test_cached_until_reloaded_and_hash_follows_the_files(
    app: Flask, tiny_dir: Path, tiny: Course
) -> None:
    lesson = tiny_dir / "tiny/modules/01-basics/lessons/01-first.en.md"
    lesson.write_text(lesson.read_text().replace("first lesson", "very first lesson"))
    with app.app_context():
        assert get_course("tiny") is tiny  # cached
        reload_courses()
        changed = get_course("tiny")
    assert changed.content_hash != tiny.content_hash
    assert "very first lesson" in changed.lessons[0].body["en"]


def test_cache_is_keyed_on_the_courses_dir(app: Flask, tiny: Course) -> None:
    with app.app_context():
        assert [c.id for c in all_courses()] == ["tiny"]
        # the tiny_dir fixture (monkeypatch) restores COURSES_DIR afterwards
        app.config["COURSES_DIR"] = str(Path(app.root_path).parent / "courses")
        assert "mentor-30h" in [c.id for c in all_courses()]
        with pytest.raises(NotFound):
            get_course("tiny")


def test_the_real_course_loads(app: Flask) -> None:
    with app.app_context():
        course = get_course("mentor-30h")
    assert course.hours == 30
    assert course.core_modules and all(m.lessons for m in course.modules)
    assert all(lesson.body.get("hu") and lesson.body.get("en") for lesson in course.lessons)
