"""Module status (decided by the progress feature): sequential unlocking, best attempt counts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from lms_plugin.accounts.models import Role
from lms_plugin.courses import quizzes, status
from lms_plugin.courses.content import Course, Quiz, get_course, reload_courses
from tests.conftest import Factory
from tests.time_helpers import complete_with_time


def _right_answers(quiz: Quiz) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for q in quiz.questions:
        if q.type in ("single", "multiple"):
            answers[q.id] = [o.id for o in q.options if o.correct]
        elif q.type == "truefalse":
            answers[q.id] = q.answer
        else:
            answers[q.id] = {str(i): i for i in range(len(q.pairs))}
    return answers


def _statuses(user_id: int, course: Course) -> dict[str, str]:
    return {m: s.status for m, s in status.module_states(user_id, course).items()}


def test_next_module_opens_when_lessons_and_check_are_done(
    app_ctx: Flask, make: Factory, tiny: Course
) -> None:
    user = make.user(make.context(), Role.TRAINEE)
    expected = {"basics": "open", "practice": "locked", "refresh": "locked"}
    assert _statuses(user.id, tiny) == expected
    basics = tiny.module("basics")
    assert basics is not None and basics.quiz is not None
    for lesson in basics.lessons:
        complete_with_time(user.id, tiny, lesson, None)
    expected = {"basics": "in_progress", "practice": "locked", "refresh": "locked"}
    assert _statuses(user.id, tiny) == expected

    wrong = quizzes.submit_attempt(user.id, tiny, basics.quiz, {}, None)
    right = quizzes.submit_attempt(user.id, tiny, basics.quiz, _right_answers(basics.quiz), None)
    assert (wrong.score_percent, wrong.passed) == (0, False)
    assert (right.score_percent, right.passed, right.attempt_no) == (100, True, 2)
    state = quizzes.quiz_state(user.id, tiny, basics.quiz)
    assert state.best is right and state.attempts_left == 0 and state.passed
    expected = {"basics": "complete", "practice": "open", "refresh": "locked"}
    assert _statuses(user.id, tiny) == expected


def test_all_modules_open_when_the_course_is_not_sequential(
    app_ctx: Flask, make: Factory, tiny_dir: Path
) -> None:
    yaml = tiny_dir / "tiny/course.yaml"
    yaml.write_text(yaml.read_text().replace("sequential: true", "sequential: false"))
    reload_courses()
    course = get_course("tiny")
    user = make.user(make.context(), Role.TRAINEE)
    expected = {"basics": "open", "practice": "open", "refresh": "locked"}
    assert _statuses(user.id, course) == expected


def test_scoring_counts_only_fully_correct_questions(tiny: Course) -> None:
    quiz = tiny.quizzes[0]
    answers = _right_answers(quiz)
    answers["q-multiple"] = ["a"]  # one of two correct options: not fully correct
    answers["q-matching"] = {"0": 0, "1": 2, "2": 1}
    percent, passed, results = quizzes.score_quiz(quiz, answers)
    assert (percent, passed) == (50, False)
    assert results["q-multiple"] == {"correct": False, "selected": ["a"], "missed": 1}
    assert results["q-matching"]["pairs"] == [True, False, False]
