"""Fair knowledge checks: option order per attempt (stored), pools, scenarios, key-bias warnings."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from lms_plugin.courses.content import Course, Option, Question, Quiz, get_course
from lms_plugin.courses.quiz_layout import apply_layout, make_layout
from lms_plugin.courses.validator import check_courses, key_bias_warnings
from tests.conftest import Factory
from tests.courses.test_delivery import _answers, _csrf, _trainee

M1 = "tiny/modules/01-basics"
M2 = "tiny/modules/02-practice"

# Broken fixtures of the rubric and quiz keys (merged into test_validator.EXPECTED).
EXPECTED_KEYS: dict[str, list[tuple[str, int, str]]] = {
    "rubric-must-pass": [
        (f"{M2}/assignment.yaml", 16, "min_level counts levels from 1 (the lowest)"),
        (f"{M2}/assignment.yaml", 26, "clarity.must_pass must be true or false"),
    ],
    "rubric-range": [(f"{M2}/assignment.yaml", 20, "min_points (7) must be 0 or more")],
    "revision-trigger": [
        (f"{M2}/assignment.yaml", 13, "revision trigger 'made-up-rule' is not built in"),
        (f"{M2}/assignment.yaml", 16, "revision trigger own-rule.description is required"),
    ],
    "quiz-draw": [(f"{M1}/quiz.yaml", 4, "quiz.draw (9) must be from 1 to the number")],
    "quiz-shuffle": [(f"{M1}/quiz.yaml", 4, "quiz.shuffle must be true or false")],
    "quiz-scenario": [(f"{M1}/quiz.yaml", 35, "a scenario goes with a single- or multiple")],
}

SIX = "\n".join(
    f'      - id: o{i}\n        text: {{hu: "Válasz {i}", en: "Answer {i}"}}\n'
    f"        correct: {'true' if i == 4 else 'false'}\n"
    f'        feedback: {{hu: "Magyarázat {i}", en: "Because {i}"}}'
    for i in range(1, 7)
)
SCENARIO_ITEM = f"""  - id: q-scenario
    type: single
    scenario: {{hu: "Egy diák sírva jön be.", en: "A student comes in crying."}}
    prompt: {{hu: "Mit teszünk?", en: "What do we do?"}}
    options:
{SIX}
"""


@pytest.fixture
def fair(tiny_dir: Path, app: Flask, monkeypatch: pytest.MonkeyPatch) -> Course:
    """The tiny course with a six-option scenario item; a fixed shuffle seed."""
    quiz = tiny_dir / "tiny/modules/01-basics/quiz.yaml"
    quiz.write_text(quiz.read_text(encoding="utf-8") + SCENARIO_ITEM, encoding="utf-8")
    monkeypatch.setitem(app.config, "QUIZ_SHUFFLE_SEED", "fixed")
    with app.app_context():
        return get_course("tiny")


def _order(page: TestResponse) -> list[tuple[str, str]]:
    text = page.get_data(as_text=True)
    return re.findall(r'name="(q-[^"]+)" id="[^"]+" value="([^"]+)"', text)


def test_option_order_is_shuffled_per_attempt_and_stable_within_it(
    app: Flask, client: FlaskClient, make: Factory, fair: Course
) -> None:
    _trainee(client, make)
    first = client.get("/course/basics/quiz")
    assert "A student comes in crying." in first.get_data(as_text=True)
    order_1 = _order(first)
    assert _order(client.get("/course/basics/quiz")) == order_1  # a reload: the same order
    wrong = _answers(app, fair.quizzes[0], right=False)
    sent = client.post("/course/basics/quiz", data={**wrong, "csrf_token": _csrf(first)})
    assert sent.location.endswith("/course/basics/quiz/1")

    second = client.get("/course/basics/quiz")
    order_2 = _order(second)
    assert sorted(order_2) == sorted(order_1) and order_2 != order_1
    # scored by option id, whatever the position it was shown in
    right = _answers(app, fair.quizzes[0])
    done = client.post("/course/basics/quiz", data={**right, "csrf_token": _csrf(second)})
    assert done.location.endswith("/course/basics/quiz/2")
    result = client.get("/course/basics/quiz/2").get_data(as_text=True)
    assert "You passed with 100%." in result
    assert "A student comes in crying." in result and "Because 4" in result


def test_the_result_page_explains_each_chosen_option_of_a_scenario(
    app: Flask, client: FlaskClient, make: Factory, fair: Course
) -> None:
    _trainee(client, make)
    page = client.get("/course/basics/quiz")
    wrong = _answers(app, fair.quizzes[0], right=False)
    wrong["q-q-scenario"] = "o2"
    client.post("/course/basics/quiz", data={**wrong, "csrf_token": _csrf(page)})
    result = client.get("/course/basics/quiz/1").get_data(as_text=True)
    assert "Because 2" in result and "Because 4" not in result  # retakes stay fair


def _quiz(count: int, draw: int = 0) -> Quiz:
    questions = tuple(
        Question(
            f"q{i}",
            "single",
            {"en": f"Q{i}"},
            options=tuple(Option(f"o{j}", {"en": str(j)}, j == 0, {"en": ""}) for j in range(4)),
        )
        for i in range(count)
    )
    return Quiz("pool", "m", 50, 0, questions, draw)


def test_a_pool_draws_n_of_m_questions_per_attempt_in_course_order() -> None:
    quiz = _quiz(10, draw=4)
    layouts = [make_layout(quiz, random.Random(seed)) for seed in range(20)]
    for layout in layouts:
        assert len(layout["questions"]) == 4
        assert layout["questions"] == sorted(layout["questions"], key=lambda q: int(q[1:]))
        shown = apply_layout(quiz, layout)
        assert [q.id for q in shown.questions] == layout["questions"]
        assert [o.id for o in shown.questions[0].options] == layout["options"][
            shown.questions[0].id
        ]
    assert len({tuple(layout["questions"]) for layout in layouts}) > 1


def test_a_layout_survives_content_changes() -> None:
    quiz = _quiz(3)
    layout = {"questions": ["q2", "gone", "q0"], "options": {"q2": ["o3", "x", "o1"]}}
    shown = apply_layout(quiz, layout)
    assert [q.id for q in shown.questions] == ["q2", "q0"]
    assert [o.id for o in shown.questions[0].options] == ["o3", "o1", "o0", "o2"]


def test_the_pool_is_stored_per_attempt(
    app: Flask, client: FlaskClient, make: Factory, tiny_dir: Path
) -> None:
    quiz = tiny_dir / "tiny/modules/01-basics/quiz.yaml"
    quiz.write_text(
        quiz.read_text(encoding="utf-8").replace("attempts: 2\n", "attempts: 2\ndraw: 2\n"),
        encoding="utf-8",
    )
    _trainee(client, make)
    page = client.get("/course/basics/quiz")
    shown = re.findall(r'id="question-([^"]+)"', page.text)
    assert len(shown) == 2
    assert "2 questions" in page.text
    again = client.get("/course/basics/quiz")
    assert re.findall(r'id="question-([^"]+)"', again.text) == shown


def test_the_real_course_loads_and_its_keys_give_nothing_away(tmp_path: Path) -> None:
    # Biased keys only warn (test_the_bias_check_names_position_and_length shows the
    # messages); the course's own checks were rewritten (issue 16) and must stay silent.
    report = check_courses(Path(__file__).resolve().parents[2] / "courses")
    assert report.problems == []
    messages = [w.message for w in report.warnings if "single-choice questions" in w.message]
    assert messages == []


def _course_with(quizzes: list[Quiz]) -> Course:
    from lms_plugin.courses.content import CertificationRules, Module

    modules = tuple(
        Module(f"m{i}", i, "core", 1, 0, 0, {}, {}, (), quiz, None)
        for i, quiz in enumerate(quizzes)
    )
    return Course(
        "c", "1", {}, {}, ("en",), "en", 1, True, "passed", CertificationRules(), modules, "h"
    )


def _item(qid: str, texts: list[str], key: int) -> Question:
    options = tuple(Option(f"o{j}", {"en": t}, j == key, {"en": ""}) for j, t in enumerate(texts))
    return Question(qid, "single", {"en": qid}, options=options)


def test_the_bias_check_names_position_and_length() -> None:
    biased = Quiz(
        "q",
        "m0",
        50,
        0,
        tuple(_item(f"b{i}", ["the long right answer", "no", "nope"], 0) for i in range(5)),
    )
    messages = [w.message for w in key_bias_warnings(_course_with([biased]))]
    assert any(
        "in 5 of 5 single-choice questions the correct option is number 1" in m for m in messages
    )
    assert any("the longest 'en' option is the correct one" in m for m in messages)
    fair_items = tuple(
        _item(f"f{i}", ["aaa", "bbbbbb", "cc"] if i % 2 else ["aaaaaa", "bb", "ccc"], i % 3)
        for i in range(6)
    )
    assert key_bias_warnings(_course_with([Quiz("q", "m0", 50, 0, fair_items)])) == []
