"""What the result page of a knowledge-check attempt shows per question."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from lms_plugin.courses.content import Question, Quiz, localized


@dataclass(frozen=True)
class Remark:
    """One line of feedback: what the trainee chose, whether it was right, and why."""

    label: str
    is_correct: bool
    text: str
    answer: str = ""  # matching: the right-hand item the trainee chose


@dataclass(frozen=True)
class QuestionFeedback:
    """A question of an attempt with its feedback."""

    number: int
    prompt: str
    is_correct: bool
    remarks: tuple[Remark, ...]
    note: str = ""
    scenario: str = ""


def attempt_feedback(
    quiz: Quiz, answers: dict[str, Any], results: dict[str, Any], lang: str, default: str
) -> list[QuestionFeedback]:
    """Feedback for every question; only chosen options are explained, so retakes stay fair."""
    items = []
    for number, question in enumerate(quiz.questions, start=1):
        result = results.get(question.id, {})
        remarks, note = _remarks(question, answers.get(question.id), result, lang, default)
        items.append(
            QuestionFeedback(
                number,
                localized(question.prompt, lang, default),
                bool(result.get("correct")),
                tuple(remarks),
                note,
                localized(question.scenario, lang, default) if question.scenario else "",
            )
        )
    return items


def _remarks(
    question: Question, answer: Any, result: dict[str, Any], lang: str, default: str
) -> tuple[list[Remark], str]:
    def text(texts: dict[str, str]) -> str:
        return localized(texts, lang, default)

    if question.type in ("single", "multiple"):
        chosen = set(answer or [])
        remarks = [
            Remark(text(o.text), o.correct, text(o.feedback))
            for o in question.options
            if o.id in chosen
        ]
        missed = int(result.get("missed", 0))
        note = (
            _("You missed %(n)d correct answer(s).", n=missed)
            if question.type == "multiple" and missed
            else ""
        )
        return remarks, note
    if question.type == "truefalse":
        if answer is None:
            return [], ""
        label = _("True") if answer else _("False")
        feedback = question.feedback_true if answer else question.feedback_false
        return [Remark(label, answer is question.answer, text(feedback))], ""
    given = answer if isinstance(answer, dict) else {}
    remarks = []
    for i, pair in enumerate(question.pairs):
        j = given.get(str(i))
        chosen_text = (
            text(question.pairs[j].right)
            if isinstance(j, int) and 0 <= j < len(question.pairs)
            else ""
        )
        ok = j == i
        remarks.append(
            Remark(
                text(pair.left),
                ok,
                text(pair.feedback) if ok else _("Not this one: look at the lesson again."),
                chosen_text,
            )
        )
    return remarks, ""
