"""The course's own evaluation in course.yaml: self-assessment statements and the survey.

Read here (with every problem reported by file and line) and run by `lms_plugin.evaluation`.
This module imports only `courses.source`, so `courses.content` can hold an `Evaluation`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lms_plugin.courses.source import FileCheck, LineDict, line_of

EVALUATION_KEYS = {"self_assessment", "survey"}
SELF_KEYS = {"scale", "statements"}
SURVEY_KEYS = {"min_group", "scale", "questions"}
LEVEL_KEYS = {"value", "label"}
STATEMENT_KEYS = {"id", "text"}
QUESTION_KEYS = {"id", "type", "text"}
QUESTION_KINDS = ("scale", "text")
MIN_GROUP = 5  # never fewer answers behind an aggregate (anonymity)
MAX_TEXT_QUESTIONS = 3  # a satisfaction survey is not an essay
MIN_LEVELS, MAX_LEVELS = 2, 7


@dataclass(frozen=True)
class ScaleLevel:
    """One point of a rating scale, with its label."""

    value: int
    label: dict[str, str]


@dataclass(frozen=True)
class Statement:
    """A competence statement the trainee rates at entry and at exit."""

    id: str
    text: dict[str, str]


@dataclass(frozen=True)
class SelfAssessment:
    """The same statements, rated on the same scale, at the start and at the end."""

    scale: tuple[ScaleLevel, ...]
    statements: tuple[Statement, ...]

    @property
    def values(self) -> tuple[int, ...]:
        return tuple(level.value for level in self.scale)


@dataclass(frozen=True)
class SurveyQuestion:
    """A survey item: `scale` (required) or `text` (optional free text)."""

    id: str
    kind: str
    text: dict[str, str]


@dataclass(frozen=True)
class Survey:
    """The anonymous satisfaction survey at the end of the course."""

    min_group: int
    scale: tuple[ScaleLevel, ...]
    questions: tuple[SurveyQuestion, ...]

    @property
    def values(self) -> tuple[int, ...]:
        return tuple(level.value for level in self.scale)

    @property
    def scale_questions(self) -> tuple[SurveyQuestion, ...]:
        return tuple(q for q in self.questions if q.kind == "scale")

    @property
    def text_questions(self) -> tuple[SurveyQuestion, ...]:
        return tuple(q for q in self.questions if q.kind == "text")


@dataclass(frozen=True)
class Evaluation:
    """What course.yaml declares under `evaluation:`; either part may be absent."""

    self_assessment: SelfAssessment | None
    survey: Survey | None


def read_evaluation(check: FileCheck, course: LineDict) -> Evaluation | None:
    """course.yaml's `evaluation:` block, or None when the course declares none."""
    if "evaluation" not in course:
        return None
    data = check.get(course, "evaluation", dict, LineDict(), where="course")
    check.keys(data, EVALUATION_KEYS, "evaluation")
    assessment = _self_assessment(check, data) if "self_assessment" in data else None
    survey = _survey(check, data) if "survey" in data else None
    if data and assessment is None and survey is None:
        check.problem(line_of(data), "evaluation needs self_assessment, survey or both")
    return Evaluation(assessment, survey)


def _self_assessment(check: FileCheck, parent: LineDict) -> SelfAssessment | None:
    where = "evaluation.self_assessment"
    data = check.get(parent, "self_assessment", dict, None, where="evaluation")
    if data is None:
        return None
    check.keys(data, SELF_KEYS, where)
    scale = _scale(check, data, where)
    statements: list[Statement] = []
    seen: set[str] = set()
    for raw in _list(check, data, "statements", where):
        item = check.mapping(raw, f"{where}.statements item", line_of(data, "statements"))
        if not item:
            continue
        check.keys(item, STATEMENT_KEYS, "a statement")
        sid = check.ident(item, "id", "statement")
        if sid in seen:
            check.problem(line_of(item, "id"), f"statement id {sid!r} is used twice")
        seen.add(sid)
        statements.append(Statement(sid, check.texts(item, "text", f"statement {sid}")))
    return SelfAssessment(scale, tuple(statements))


def _survey(check: FileCheck, parent: LineDict) -> Survey | None:
    where = "evaluation.survey"
    data = check.get(parent, "survey", dict, None, where="evaluation")
    if data is None:
        return None
    check.keys(data, SURVEY_KEYS, where)
    min_group = check.get(data, "min_group", int, MIN_GROUP, where=where)
    if min_group < MIN_GROUP:
        check.problem(
            line_of(data, "min_group"),
            f"{where}.min_group must be at least {MIN_GROUP}: smaller groups are not anonymous",
        )
        min_group = MIN_GROUP
    scale = _scale(check, data, where)
    questions: list[SurveyQuestion] = []
    seen: set[str] = set()
    for raw in _list(check, data, "questions", where):
        item = check.mapping(raw, f"{where}.questions item", line_of(data, "questions"))
        if not item:
            continue
        check.keys(item, QUESTION_KEYS, "a survey question")
        qid = check.ident(item, "id", "survey question")
        if qid in seen:
            check.problem(line_of(item, "id"), f"survey question id {qid!r} is used twice")
        seen.add(qid)
        kind = check.get(item, "type", str, "scale", where=f"survey question {qid}")
        if kind not in QUESTION_KINDS:
            check.problem(
                line_of(item, "type"), f"survey question {qid}: type must be 'scale' or 'text'"
            )
            continue
        questions.append(SurveyQuestion(qid, kind, check.texts(item, "text", f"question {qid}")))
    texts = [q for q in questions if q.kind == "text"]
    if len(texts) > MAX_TEXT_QUESTIONS:
        check.problem(
            line_of(data, "questions"),
            f"{where} has {len(texts)} free-text questions; at most {MAX_TEXT_QUESTIONS}",
        )
    if questions and not any(q.kind == "scale" for q in questions):
        check.problem(line_of(data, "questions"), f"{where} needs at least one scale question")
    return Survey(min_group, scale, tuple(questions))


def _list(check: FileCheck, data: LineDict, key: str, where: str) -> list[Any]:
    items = check.get(data, key, list, [], where=where)
    if key in data and isinstance(data[key], list) and not items:
        check.problem(line_of(data, key), f"{where}.{key} needs at least one item")
    return list(items)


def _scale(check: FileCheck, data: LineDict, where: str) -> tuple[ScaleLevel, ...]:
    """Levels with whole-number values, each one more than the one before, with labels."""
    levels: list[ScaleLevel] = []
    raw_levels = _list(check, data, "scale", where)
    for raw in raw_levels:
        item = check.mapping(raw, f"{where}.scale item", line_of(data, "scale"))
        if not item:
            continue
        check.keys(item, LEVEL_KEYS, "a scale level")
        value = check.get(item, "value", int, None, where=f"{where}.scale")
        if value is None:
            continue
        levels.append(ScaleLevel(value, check.texts(item, "label", f"{where}.scale.{value}")))
    if raw_levels and not MIN_LEVELS <= len(raw_levels) <= MAX_LEVELS:
        check.problem(
            line_of(data, "scale"),
            f"{where}.scale needs {MIN_LEVELS} to {MAX_LEVELS} levels, not {len(raw_levels)}",
        )
    values = [level.value for level in levels]
    if values and values != list(range(values[0], values[0] + len(values))):
        check.problem(
            line_of(data, "scale"),
            f"{where}.scale values must be whole numbers counting up by one, not {values}",
        )
    return tuple(levels)
