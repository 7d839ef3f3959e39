"""The knowledge-check form: fields per question type, and reading the answers back.

Matching selects carry opaque tokens, not pair numbers, so the page source does not give the answer
away; the tokens are an HMAC of the quiz, question and pair under the app's secret key.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from werkzeug.datastructures import MultiDict

from lms_plugin.courses.content import Question, Quiz, localized


def match_token(quiz_id: str, question_id: str, index: int) -> str:
    """The value a matching select sends for the right-hand item `index`."""
    key = str(current_app.config["SECRET_KEY"]).encode()
    message = f"{quiz_id}\0{question_id}\0{index}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:12]


@dataclass(frozen=True)
class Choice:
    """One option, radio or select entry as the template shows it."""

    value: str
    label: str
    checked: bool = False


@dataclass(frozen=True)
class Row:
    """A left-hand item of a matching question with its select."""

    name: str
    label: str
    choices: tuple[Choice, ...]


@dataclass(frozen=True)
class QuestionField:
    """Everything the template needs to show one question."""

    id: str
    type: str
    number: int
    prompt: str
    name: str
    choices: tuple[Choice, ...] = ()
    rows: tuple[Row, ...] = field(default_factory=tuple)
    scenario: str = ""


def build_form(quiz: Quiz, lang: str, default: str, answers: dict[str, Any]) -> list[QuestionField]:
    """The questions in `lang`, with the trainee's earlier answers checked."""
    fields: list[QuestionField] = []
    for number, question in enumerate(quiz.questions, start=1):
        name = f"q-{question.id}"
        prompt = localized(question.prompt, lang, default)
        given = answers.get(question.id)
        if question.type in ("single", "multiple"):
            chosen = set(given or [])
            choices = tuple(
                Choice(o.id, localized(o.text, lang, default), o.id in chosen)
                for o in question.options
            )
            scenario = localized(question.scenario, lang, default) if question.scenario else ""
            fields.append(
                QuestionField(
                    question.id, question.type, number, prompt, name, choices, scenario=scenario
                )
            )
        elif question.type == "truefalse":
            choices = (Choice("true", "", given is True), Choice("false", "", given is False))
            fields.append(QuestionField(question.id, question.type, number, prompt, name, choices))
        else:
            rows = _matching_rows(quiz, question, lang, default, given or {})
            fields.append(
                QuestionField(question.id, question.type, number, prompt, name, rows=rows)
            )
    return fields


def _matching_rows(
    quiz: Quiz, question: Question, lang: str, default: str, given: dict[str, int]
) -> tuple[Row, ...]:
    rights = sorted(
        ((localized(p.right, lang, default), j) for j, p in enumerate(question.pairs)),
        key=lambda item: item[0].casefold(),
    )
    rows = []
    for i, pair in enumerate(question.pairs):
        choices = tuple(
            Choice(match_token(quiz.id, question.id, j), text, given.get(str(i)) == j)
            for text, j in rights
        )
        rows.append(Row(f"q-{question.id}-{i}", localized(pair.left, lang, default), choices))
    return tuple(rows)


def read_answers(quiz: Quiz, form: MultiDict[str, str]) -> tuple[dict[str, Any], list[str]]:
    """(answers in storage form, ids of unanswered questions); unknown values are unanswered."""
    answers: dict[str, Any] = {}
    missing: list[str] = []
    for question in quiz.questions:
        name = f"q-{question.id}"
        value: Any = None
        if question.type == "single":
            ids = {o.id for o in question.options}
            picked = form.get(name)
            value = [picked] if picked in ids else None
        elif question.type == "multiple":
            ids = {o.id for o in question.options}
            picked_many = [v for v in form.getlist(name) if v in ids]
            value = sorted(set(picked_many)) or None
        elif question.type == "truefalse":
            value = {"true": True, "false": False}.get(form.get(name, ""))
        elif question.type == "matching":
            value = _read_matching(quiz, question, form)
        if value is None:
            missing.append(question.id)
            if question.type == "matching":
                value = _read_matching(quiz, question, form, partial=True)
        if value is not None:
            answers[question.id] = value
    return answers, missing


def _read_matching(
    quiz: Quiz, question: Question, form: MultiDict[str, str], *, partial: bool = False
) -> dict[str, int] | None:
    tokens = {match_token(quiz.id, question.id, j): j for j in range(len(question.pairs))}
    picked: dict[str, int] = {}
    for i in range(len(question.pairs)):
        j = tokens.get(form.get(f"q-{question.id}-{i}", ""))
        if j is not None:
            picked[str(i)] = j
    if len(picked) == len(question.pairs):
        return picked
    return (picked or None) if partial else None
