"""Reading quiz.yaml and assignment.yaml: every rule of the format, reported with its line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lms_plugin.courses.content import (
    QUESTION_TYPES,
    Assignment,
    Criterion,
    Level,
    Option,
    Pair,
    Question,
    Quiz,
    Trigger,
)
from lms_plugin.courses.markdown_checks import LessonLink, check_markdown, count_words
from lms_plugin.courses.source import ID_RE, FileCheck, IdRegistry, LineDict, line_of

FILE_TYPES = ("pdf", "doc", "docx", "odt", "rtf", "txt", "xlsx", "ods", "pptx", "odp", "jpg", "png")
SUBMISSION_TYPES = ("text", "file")
QUIZ_KEYS = {"id", "pass_mark", "attempts", "questions", "draw", "shuffle"}
QUESTION_KEYS = {"id", "type", "prompt", "options", "answer", "feedback", "pairs", "scenario"}
ASSIGNMENT_KEYS = {
    "id",
    "title",
    "brief",
    "submission_types",
    "max_files",
    "max_file_mb",
    "file_types",
    "max_attempts",
    "points",
    "pass_mark",
    "rubric",
    "revision_triggers",
    "min_words",
    "max_words",
}
# Triggers a course may name by id alone; the tool supplies their (translated) texts.
BUILTIN_TRIGGERS = ("identifiable-data", "unsafe-advice")
LEVEL_KEYS = {"points", "min_points", "max_points", "title", "descriptor"}


def _items(check: FileCheck, data: LineDict, key: str, where: str, minimum: int) -> list[Any]:
    values = check.get(data, key, list, [], where=where)
    if len(values) < minimum and key in data and isinstance(data[key], list):
        check.problem(line_of(data, key), f"{where}.{key} needs at least {minimum} item(s)")
    return list(values)


def read_quiz(check: FileCheck, raw: Any, module_id: str, ids: IdRegistry) -> Quiz | None:
    """The module's knowledge check, or None when the file is unusable."""
    data = check.mapping(raw, "quiz.yaml")
    if not data:
        return None
    check.keys(data, QUIZ_KEYS, "quiz.yaml")
    quiz_id = check.ident(data, "id", "quiz")
    ids.add(check, line_of(data, "id"), "quiz", quiz_id)
    pass_mark = check.get(data, "pass_mark", int, 100, where="quiz")
    if not 0 < pass_mark <= 100:
        check.problem(
            line_of(data, "pass_mark"), "quiz.pass_mark must be a percentage from 1 to 100"
        )
    attempts = check.get(data, "attempts", int, 0, where="quiz")
    if attempts < 0:
        check.problem(line_of(data, "attempts"), "quiz.attempts must be 0 (unlimited) or more")
    questions: list[Question] = []
    seen: set[str] = set()
    for item in _items(check, data, "questions", "quiz", 1):
        question = _read_question(check, item)
        if question is None:
            continue
        if question.id in seen:
            check.problem(line_of(item, "id"), f"question id {question.id!r} is used twice")
        seen.add(question.id)
        questions.append(question)
    draw = check.get(data, "draw", int, 0, required=False, where="quiz")
    if draw < 0 or (questions and draw > len(questions)):
        check.problem(
            line_of(data, "draw"),
            f"quiz.draw ({draw}) must be from 1 to the number of questions ({len(questions)}), "
            "or left out to ask them all",
        )
        draw = 0
    shuffle = check.get(data, "shuffle", bool, True, required=False, where="quiz")
    return Quiz(quiz_id, module_id, pass_mark, max(attempts, 0), tuple(questions), draw, shuffle)


def _read_question(check: FileCheck, raw: Any) -> Question | None:
    data = check.mapping(raw, "a question")
    if not data:
        return None
    check.keys(data, QUESTION_KEYS, "a question")
    qid = check.ident(data, "id", "question")
    where = f"question {qid}"
    kind = check.get(data, "type", str, "", where=where)
    if kind and kind not in QUESTION_TYPES:
        check.problem(
            line_of(data, "type"), f"{where}: type must be one of {', '.join(QUESTION_TYPES)}"
        )
        return None
    prompt = check.texts(data, "prompt", where)
    scenario = check.texts(data, "scenario", where) if "scenario" in data else {}
    if scenario and kind not in ("single", "multiple"):
        check.problem(
            line_of(data, "scenario"),
            f"{where}: a scenario goes with a single- or multiple-choice question",
        )
    if kind in ("single", "multiple"):
        options = _read_options(check, data, where, kind)
        return Question(qid, kind, prompt, options=options, scenario=scenario)
    if kind == "truefalse":
        answer = check.get(data, "answer", bool, None, where=where)
        feedback = check.get(data, "feedback", dict, LineDict(), where=where)
        texts: dict[bool, dict[str, str]] = {}
        for value in (True, False):
            key = value if value in feedback else str(value).lower()
            if key not in feedback or not isinstance(feedback[key], dict):
                check.problem(
                    line_of(feedback) or line_of(data, "feedback"),
                    f"{where}: feedback needs a '{str(value).lower()}' text map",
                )
                texts[value] = {}
            else:
                texts[value] = check.text_map(
                    feedback[key], f"{where}.feedback.{key}", line_of(feedback, key)
                )
        return Question(
            qid, kind, prompt, answer=answer, feedback_true=texts[True], feedback_false=texts[False]
        )
    if kind == "matching":
        return Question(qid, kind, prompt, pairs=_read_pairs(check, data, where))
    return None


def _read_options(check: FileCheck, data: LineDict, where: str, kind: str) -> tuple[Option, ...]:
    options: list[Option] = []
    for raw in _items(check, data, "options", where, 2):
        option = check.mapping(raw, f"{where}: an option")
        check.keys(option, {"id", "text", "correct", "feedback"}, f"{where}: an option")
        oid = check.get(option, "id", str, "", where=f"{where} option")
        if oid and not ID_RE.match(oid):
            check.problem(line_of(option, "id"), f"{where}: option id {oid!r} is not a valid id")
        if any(o.id == oid for o in options):
            check.problem(line_of(option, "id"), f"{where}: option id {oid!r} is used twice")
        label = f"{where} option {oid}"
        options.append(
            Option(
                id=oid,
                text=check.texts(option, "text", label),
                correct=check.get(option, "correct", bool, False, where=label),
                feedback=check.texts(option, "feedback", label),
            )
        )
    correct = sum(1 for o in options if o.correct)
    if kind == "single" and options and correct != 1:
        check.problem(
            line_of(data, "options"),
            f"{where}: a single-choice question needs exactly one correct option, not {correct}",
        )
    if kind == "multiple" and options and correct < 1:
        check.problem(line_of(data, "options"), f"{where}: mark at least one option correct")
    return tuple(options)


def _read_pairs(check: FileCheck, data: LineDict, where: str) -> tuple[Pair, ...]:
    pairs: list[Pair] = []
    for raw in _items(check, data, "pairs", where, 3):
        pair = check.mapping(raw, f"{where}: a pair")
        check.keys(pair, {"left", "right", "feedback"}, f"{where}: a pair")
        label = f"{where} pair {len(pairs) + 1}"
        pairs.append(
            Pair(
                check.texts(pair, "left", label),
                check.texts(pair, "right", label),
                check.texts(pair, "feedback", label),
            )
        )
    for lang in check.languages:
        for side in ("left", "right"):
            texts = [getattr(p, side).get(lang, "").casefold() for p in pairs]
            if len(set(texts)) != len(texts):
                check.problem(
                    line_of(data, "pairs"),
                    f"{where}: the {side}-hand {lang!r} texts of the pairs must all differ",
                )
    return tuple(pairs)


def read_assignment(
    check: FileCheck,
    raw: Any,
    module_id: str,
    module_dir: Path,
    ids: IdRegistry,
    links: list[LessonLink],
    words: dict[str, int],
) -> Assignment | None:
    """The module's assignment, or None when the file is unusable."""
    data = check.mapping(raw, "assignment.yaml")
    if not data:
        return None
    check.keys(data, ASSIGNMENT_KEYS, "assignment.yaml")
    aid = check.ident(data, "id", "assignment")
    ids.add(check, line_of(data, "id"), "assignment", aid)
    brief = check.texts(data, "brief", "assignment")
    brief_raw = data.get("brief")
    for lang, text in brief.items():
        start = line_of(brief_raw, lang) if isinstance(brief_raw, LineDict) else line_of(data)
        check_markdown(check, text, start + (1 if "\n" in text else 0), module_dir, links)
        words[lang] = words.get(lang, 0) + count_words(text)
    types = _choices(check, data, "submission_types", SUBMISSION_TYPES, required=True)
    takes_files = "file" in types
    max_files = check.get(data, "max_files", int, 1, required=takes_files, where="assignment")
    max_mb = check.get(
        data, "max_file_mb", (int, float), 10, required=takes_files, where="assignment"
    )
    file_types = _choices(check, data, "file_types", FILE_TYPES, required=takes_files)
    if takes_files and (max_files < 1 or max_mb <= 0):
        check.problem(line_of(data, "max_files"), "max_files and max_file_mb must be more than 0")
    max_attempts = check.get(data, "max_attempts", int, 1, where="assignment")
    if max_attempts < 1:
        check.problem(line_of(data, "max_attempts"), "assignment.max_attempts must be 1 or more")
    points = check.get(data, "points", int, 0, where="assignment")
    pass_mark = check.get(data, "pass_mark", int, 0, where="assignment")
    if pass_mark > points or pass_mark < 0:
        check.problem(
            line_of(data, "pass_mark"),
            f"assignment.pass_mark ({pass_mark}) must be between 0 and points ({points})",
        )
    rubric = tuple(_read_criteria(check, data))
    best = sum(c.max_points for c in rubric)
    if rubric and best != points:
        check.problem(
            line_of(data, "points"),
            f"assignment.points is {points} but the best levels of the rubric add up to {best}",
        )
    min_words, max_words = _word_limits(check, data, "text" in types)
    return Assignment(
        aid,
        module_id,
        check.texts(data, "title", "assignment"),
        brief,
        types,
        max_files,
        float(max_mb),
        file_types,
        max_attempts,
        points,
        pass_mark,
        rubric,
        _read_triggers(check, data),
        min_words,
        max_words,
    )


def _word_limits(check: FileCheck, data: LineDict, takes_text: bool) -> tuple[int, int]:
    """`min_words` / `max_words` of the online text: whole numbers, 0 = no limit, min <= max."""
    low = check.get(data, "min_words", int, 0, required=False, where="assignment")
    high = check.get(data, "max_words", int, 0, required=False, where="assignment")
    if (low or high) and not takes_text:
        check.problem(
            line_of(data, "min_words" if low else "max_words"),
            "assignment.min_words and max_words need submission_types to include text",
        )
    if low < 0 or high < 0:
        check.problem(line_of(data), "assignment.min_words and max_words must be 0 or more")
        return 0, 0
    if low and high and low > high:
        check.problem(
            line_of(data, "min_words"),
            f"assignment.min_words ({low}) must not be more than max_words ({high})",
        )
        return 0, 0
    return low, high


def _read_triggers(check: FileCheck, data: LineDict) -> tuple[Trigger, ...]:
    """`revision_triggers`: built-in ids, or {id, title, description} of the course's own."""
    if "revision_triggers" not in data:
        return ()
    triggers: list[Trigger] = []
    for raw in _items(check, data, "revision_triggers", "assignment", 1):
        line = line_of(raw) or line_of(data, "revision_triggers")
        if isinstance(raw, str):
            if raw not in BUILTIN_TRIGGERS:
                check.problem(
                    line,
                    f"revision trigger {raw!r} is not built in ({', '.join(BUILTIN_TRIGGERS)}); "
                    "give it as {id, title, description}",
                )
                continue
            trigger = Trigger(raw, {}, {}, builtin=True)
        else:
            item = check.mapping(raw, "a revision trigger")
            if not item:
                continue
            check.keys(item, {"id", "title", "description"}, "a revision trigger")
            tid = check.ident(item, "id", "revision trigger")
            where = f"revision trigger {tid}"
            trigger = Trigger(
                tid, check.texts(item, "title", where), check.texts(item, "description", where)
            )
        if any(t.id == trigger.id for t in triggers):
            check.problem(line, f"revision trigger {trigger.id!r} is used twice")
            continue
        triggers.append(trigger)
    return tuple(triggers)


def _choices(
    check: FileCheck, data: LineDict, key: str, allowed: tuple[str, ...], *, required: bool
) -> tuple[str, ...]:
    values = check.get(data, key, list, [], required=required, where="assignment")
    if required and key in data and not values:
        check.problem(line_of(data, key), f"assignment.{key} needs at least one item")
    for value in values:
        if value not in allowed:
            check.problem(
                line_of(data, key),
                f"assignment.{key}: {value!r} is not one of {', '.join(allowed)}",
            )
    return tuple(str(v) for v in values if v in allowed)


def _read_criteria(check: FileCheck, data: LineDict) -> list[Criterion]:
    criteria: list[Criterion] = []
    for raw in _items(check, data, "rubric", "assignment", 1):
        item = check.mapping(raw, "a rubric criterion")
        check.keys(item, {"id", "title", "levels", "must_pass", "min_level"}, "a rubric criterion")
        cid = check.ident(item, "id", "criterion")
        if any(c.id == cid for c in criteria):
            check.problem(line_of(item, "id"), f"criterion id {cid!r} is used twice")
        where = f"criterion {cid}"
        levels: list[Level] = []
        for level_raw in _items(check, item, "levels", where, 2):
            level = _read_level(check, level_raw, where)
            if levels and level.low <= levels[-1].points:
                check.problem(
                    line_of(level_raw, "points")
                    or line_of(level_raw, "min_points")
                    or line_of(level_raw),
                    f"{where}: level points must increase from lowest to highest "
                    "(ranges must not overlap)",
                )
            levels.append(level)
        min_level = _read_min_level(check, item, where, len(levels))
        criteria.append(Criterion(cid, check.texts(item, "title", where), tuple(levels), min_level))
    return criteria


def _read_level(check: FileCheck, raw: Any, where: str) -> Level:
    """`points: N`, or a range `min_points`/`max_points` the grader chooses within."""
    level = check.mapping(raw, f"{where}: a level")
    check.keys(level, LEVEL_KEYS, f"{where}: a level")
    label = f"{where} level"
    ranged = "min_points" in level or "max_points" in level
    low: int | None = None
    if ranged:
        if "points" in level:
            check.problem(
                line_of(level, "points"),
                f"{where}: a level has either points or min_points/max_points, not both",
            )
        low = check.get(level, "min_points", int, 0, required=True, where=label)
        points = check.get(level, "max_points", int, 0, required=True, where=label)
        if low < 0 or points < low:
            check.problem(
                line_of(level, "min_points"),
                f"{where}: min_points ({low}) must be 0 or more and at most max_points ({points})",
            )
            low = None
    else:
        points = check.get(level, "points", int, 0, required=True, where=label)
    if points < 0:
        check.problem(line_of(level, "points"), f"{where}: level points must be 0 or more")
    return Level(
        points,
        check.texts(level, "title", label),
        check.texts(level, "descriptor", label),
        low if ranged and low is not None and low != points else None,
    )


def _read_min_level(check: FileCheck, item: LineDict, where: str, count: int) -> int:
    """The index of the lowest passing level: `must_pass: true` is the second level from the
    bottom, `min_level: N` the N-th (counted from 1, the lowest)."""
    must_pass = check.get(item, "must_pass", bool, False, required=False, where=where)
    if "min_level" not in item:
        return 1 if must_pass and count > 1 else 0
    position = check.get(item, "min_level", int, 0, required=False, where=where)
    if not 2 <= position <= count:
        check.problem(
            line_of(item, "min_level"),
            f"{where}: min_level counts levels from 1 (the lowest); it must be from 2 to {count}, "
            f"not {position}",
        )
        return 0
    if "must_pass" in item and not must_pass:
        check.problem(
            line_of(item, "must_pass"), f"{where}: must_pass: false contradicts min_level"
        )
    return position - 1
