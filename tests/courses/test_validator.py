"""`courses check` catches each kind of broken file with file and line; the real course passes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from flask import Flask

from lms_plugin.courses.validator import check_courses
from tests.courses.fixture_courses import broken_courses, broken_kinds, good_courses
from tests.courses.test_quiz_fairness import EXPECTED_KEYS
from tests.courses.time_format_cases import EXPECTED_TIME
from tests.evaluation.format_cases import EXPECTED_EVALUATION
from tests.journal.format_cases import EXPECTED_JOURNAL
from tests.live.format_cases import EXPECTED_LIVE

M1 = "tiny/modules/01-basics"
M2 = "tiny/modules/02-practice"
HOURS_OFF = ("tiny/course.yaml", 7, "core modules add up to 1")

# kind → every problem it must produce: (file, line, words in the message). Nothing else may appear.
EXPECTED: dict[str, list[tuple[str, int, str]]] = {
    "yaml-syntax": [(f"{M1}/module.yaml", 5, "not valid YAML"), HOURS_OFF],
    "missing-key": [(f"{M1}/module.yaml", 1, "module.hours is required"), HOURS_OFF],
    "wrong-type": [(f"{M1}/module.yaml", 3, "module.hours must be a whole number"), HOURS_OFF],
    "unknown-key": [("tiny/course.yaml", 8, "unknown key 'sequental'")],
    "duplicate-key": [
        (f"{M2}/module.yaml", 4, "key 'hours' appears more than once"),
        ("tiny/course.yaml", 7, "core modules add up to 3"),
    ],
    "duplicate-id": [(f"{M2}/module.yaml", 1, "'basics' is already used by the module at")],
    "bad-id": [(f"{M2}/module.yaml", 1, "'Practice_1' must use lower-case letters")],
    "missing-translation": [(f"{M2}/module.yaml", 4, "module.title has no 'en' text")],
    "empty-text": [(f"{M2}/module.yaml", 6, "module.title has no 'en' text")],
    "objectives": [(f"{M2}/module.yaml", 5, "objectives.en must be a non-empty list")],
    "missing-language-file": [(f"{M2}/lessons/01-third.hu.md", 0, "'en' version is missing")],
    "front-matter-title": [(f"{M2}/lessons/01-third.en.md", 2, "title is required")],
    "front-matter-minutes": [(f"{M2}/lessons/01-third.en.md", 3, "minutes must be more than 0")],
    "lesson-link": [(f"{M2}/lessons/01-third.en.md", 9, "lesson:nowhere, which does not exist")],
    "image-missing": [(f"{M2}/lessons/01-third.en.md", 8, "'images/chart.png' does not exist")],
    "image-alt": [(f"{M1}/lessons/02-second.en.md", 8, "needs a description")],
    "unsafe-link": [(f"{M2}/lessons/01-third.en.md", 8, "must start with https://")],
    "raw-html": [(f"{M2}/lessons/01-third.en.md", 8, "raw HTML <script>")],
    "callout": [
        (f"{M2}/lessons/01-third.en.md", 6, "unknown callout 'danger'"),
        (f"{M2}/lessons/01-third.en.md", 9, "needs a title in double quotes"),
    ],
    "footnote": [(f"{M2}/lessons/01-third.en.md", 6, "footnote [^src] has no text")],
    "heading": [(f"{M2}/lessons/01-third.en.md", 6, "headings start at '##'")],
    "rubric-sum": [(f"{M2}/assignment.yaml", 6, "points is 12 but the best levels")],
    "rubric-levels": [(f"{M2}/assignment.yaml", 15, "level points must increase")],
    "pass-mark": [(f"{M2}/assignment.yaml", 7, "pass_mark (6) must be between 0 and points (4)")],
    "single-correct": [(f"{M1}/quiz.yaml", 8, "exactly one correct option, not 2")],
    "option-feedback": [(f"{M1}/quiz.yaml", 13, "option b.feedback is required")],
    "matching-pairs": [(f"{M1}/quiz.yaml", 8, "pairs needs at least 3")],
    "matching-rights": [
        (f"{M1}/quiz.yaml", 8, "right-hand 'hu' texts of the pairs must all differ"),
        (f"{M1}/quiz.yaml", 8, "right-hand 'en' texts of the pairs must all differ"),
    ],
    "truefalse-feedback": [(f"{M1}/quiz.yaml", 10, "feedback needs a 'false' text map")],
    "question-type": [(f"{M1}/quiz.yaml", 6, "type must be one of single")],
    "hours-sum": [("tiny/course.yaml", 7, "hours is 2 but the core modules add up to 3")],
    "face-to-face": [(f"{M2}/module.yaml", 4, "face_to_face_hours (1.5) must be between 0")],
    "refresher-missing": [("tiny/course.yaml", 18, "refresher_module 'refresh' is not a module")],
}

EXPECTED.update(EXPECTED_KEYS)  # rubric and quiz keys (must-pass, ranges, triggers, pools)
EXPECTED.update(EXPECTED_TIME)  # time on task and hours by kind
EXPECTED.update(EXPECTED_EVALUATION)  # course.yaml evaluation: (self-assessment, survey)
EXPECTED.update(EXPECTED_LIVE)  # module.yaml live_sessions:
EXPECTED.update(EXPECTED_JOURNAL)  # a module's journal.yaml


def test_every_broken_fixture_has_an_expectation() -> None:
    assert sorted(EXPECTED) == broken_kinds()


def test_the_good_fixture_has_no_problem(tmp_path: Path) -> None:
    report = check_courses(good_courses(tmp_path))
    assert report.problems == []
    assert report.courses[0]["id"] == "tiny"


@pytest.mark.parametrize("kind", sorted(EXPECTED))
def test_each_broken_file_is_reported_with_file_and_line(tmp_path: Path, kind: str) -> None:
    report = check_courses(broken_courses(tmp_path, kind))
    found = [(p.file, p.line, p.message) for p in report.problems]
    for file, line, words in EXPECTED[kind]:
        assert any(f == file and n == line and words in m for f, n, m in found), (words, found)
    assert len(found) == len(EXPECTED[kind]), found


def test_check_command_exits_1_and_prints_file_and_line(app: Flask, tmp_path: Path) -> None:
    folder = broken_courses(tmp_path, "rubric-sum")
    result = app.test_cli_runner().invoke(args=["courses", "check", "--path", str(folder)])
    assert result.exit_code == 1
    assert f"{M2}/assignment.yaml:6: assignment.points is 12" in result.output


def test_check_json_shape(app: Flask, tmp_path: Path) -> None:
    folder = good_courses(tmp_path)
    result = app.test_cli_runner().invoke(
        args=["courses", "check", "--json", "--path", str(folder)]
    )
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert list(body) == ["courses", "warnings"]  # the legacy face_to_face_hours of 02-practice
    assert [w["message"][:40] for w in body["warnings"]] == [
        "face_to_face_hours (0.5) is the old way "
    ]
    minutes = body["courses"][0].pop("lesson_minutes")
    assert [(m["lesson"], m["declared"], m["in_band"]) for m in minutes] == [
        ("first", 5, True),
        ("second", 10, True),
        ("third", 15, True),
        ("renewal", 20, True),
    ]
    assert body["courses"] == [
        {
            "id": "tiny",
            "version": "1.0.0",
            "hours": 2.0,
            "languages": ["hu", "en"],
            "modules": 3,
            "lessons": 4,
            "quizzes": 1,
            "assignments": 1,
            "words": {
                "en": body["courses"][0]["words"]["en"],
                "hu": body["courses"][0]["words"]["hu"],
            },
        }
    ]
    assert body["courses"][0]["words"]["en"] > 40 and body["courses"][0]["words"]["hu"] > 30


def test_check_json_lists_problems_separately(app: Flask, tmp_path: Path) -> None:
    folder = broken_courses(tmp_path, "lesson-link")
    result = app.test_cli_runner().invoke(
        args=["courses", "check", "--json", "--path", str(folder)]
    )
    assert result.exit_code == 1
    body = json.loads(result.output)
    assert body["courses"][0]["id"] == "tiny"
    assert body["problems"] == [
        {
            "file": f"{M2}/lessons/01-third.en.md",
            "line": 9,
            "message": "link to lesson:nowhere, which does not exist",
        }
    ]


def test_the_real_course_passes_the_check(app: Flask) -> None:
    report = check_courses(Path(app.config["COURSES_DIR"]))
    assert [str(p) for p in report.problems] == []
    (course,) = [c for c in report.courses if c["id"] == "mentor-30h"]
    assert course["hours"] == 30
    assert course["languages"] == ["hu", "en"]
