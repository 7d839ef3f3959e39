"""Reading a module's lessons: NN-slug.<lang>.md files with front matter, one per language."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from lms_plugin.courses.content import Lesson
from lms_plugin.courses.markdown_checks import check_markdown, count_words
from lms_plugin.courses.source import FileCheck, Problem, line_of, relative

if TYPE_CHECKING:
    from lms_plugin.courses.reader import ReadContext

LESSON_FILE_RE = re.compile(r"^(\d{2})-([a-z0-9][a-z0-9-]*)\.([a-z]{2})\.md$")
FRONT_MATTER_KEYS = {"title", "minutes", "activity_minutes"}


def read_lessons(ctx: ReadContext, module_dir: Path, module_id: str) -> tuple[Lesson, ...]:
    """The lessons in file-name order; every language must have its file."""
    lessons_dir = module_dir / "lessons"
    if not lessons_dir.is_dir():
        return ()
    groups: dict[tuple[int, str], dict[str, Path]] = {}
    for path in sorted(lessons_dir.iterdir()):
        if path.name.startswith("."):
            continue
        match = LESSON_FILE_RE.match(path.name)
        if not match or not path.is_file():
            ctx.problems.append(
                Problem(
                    relative(path, ctx.root), 0, "lesson files are named NN-lesson-id.<lang>.md"
                )
            )
            continue
        key = (int(match.group(1)), match.group(2))
        groups.setdefault(key, {})[match.group(3)] = path
    lessons: list[Lesson] = []
    for (order, lesson_id), files in sorted(groups.items()):
        lesson = _read_lesson(ctx, module_dir, module_id, order, lesson_id, files)
        if lesson is not None:
            lessons.append(lesson)
    return tuple(lessons)


def _read_lesson(
    ctx: ReadContext,
    module_dir: Path,
    module_id: str,
    order: int,
    lesson_id: str,
    files: dict[str, Path],
) -> Lesson | None:
    first = next(iter(files.values()))
    ctx.ids.add(ctx.check(first), 1, "lesson", lesson_id)
    for lang in files:
        if lang not in ctx.languages:
            ctx.problems.append(
                Problem(
                    relative(files[lang], ctx.root),
                    0,
                    f"{lang!r} is not one of the course languages",
                )
            )
    titles: dict[str, str] = {}
    bodies: dict[str, str] = {}
    minutes: dict[str, tuple[int, FileCheck, int]] = {}
    activity: dict[str, int] = {}
    for lang in ctx.languages:
        path = files.get(lang)
        if path is None:
            missing = first.name.rsplit(".", 2)[0] + f".{lang}.md"
            ctx.problems.append(
                Problem(
                    relative(first, ctx.root),
                    0,
                    f"the {lang!r} version is missing: add lessons/{missing}",
                )
            )
            continue
        parsed = _read_file(ctx, path, module_dir)
        if parsed is not None:
            titles[lang], bodies[lang], minutes[lang], activity[lang] = parsed
            ctx.words[lang] = ctx.words.get(lang, 0) + count_words(bodies[lang])
    if not bodies:
        return None
    values = {value for value, _check, _line in minutes.values()}
    if len(values) > 1 and min(values) > 0:
        for value, check, line in list(minutes.values())[1:]:
            check.problem(line, f"minutes ({value}) differ between the language versions")
    default_minutes = next(iter(minutes.values()))[0] if minutes else 0
    default_activity = next(iter(activity.values()), 0)
    return Lesson(lesson_id, module_id, order, default_minutes, titles, bodies, default_activity)


def _read_file(
    ctx: ReadContext, path: Path, module_dir: Path
) -> tuple[str, str, tuple[int, FileCheck, int], int] | None:
    """(title, body, (minutes, check, line), activity minutes) of one language file, or None."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    check = ctx.check(path)
    if not lines or lines[0].strip() != "---":
        check.problem(1, "a lesson starts with front matter: '---', title:, minutes:, '---'")
        return None
    end = next((i for i, line in enumerate(lines[1:], start=1) if line.strip() == "---"), None)
    if end is None:
        check.problem(1, "the front matter has no closing '---' line")
        return None
    front = ctx.check(path, offset=1)  # YAML line 1 is line 2 of the file
    data = front.parse("\n".join(lines[1:end]))
    if not data:
        check.problem(1, "the front matter needs title: and minutes:")
        return None
    data = front.mapping(data, "front matter")
    front.keys(data, FRONT_MATTER_KEYS, "the front matter")
    title = front.get(data, "title", str, "", where="front matter")
    if "title" in data and not str(title).strip():
        front.problem(line_of(data, "title"), "title must not be empty")
    minutes = front.get(data, "minutes", int, 0, where="front matter")
    if "minutes" in data and minutes <= 0:
        front.problem(line_of(data, "minutes"), "minutes must be more than 0")
    activity = front.get(data, "activity_minutes", int, 0, required=False, where="front matter")
    if activity < 0 or ("activity_minutes" in data and "minutes" in data and activity > minutes):
        front.problem(
            line_of(data, "activity_minutes"),
            "activity_minutes must be from 0 to the lesson's minutes",
        )
        activity = 0
    leading = _leading_blank_lines(lines[end + 1 :])
    body = "\n".join(lines[end + 1 + leading :]).rstrip()
    body_start = end + 2 + leading
    check_markdown(check, body, body_start, module_dir, ctx.links)
    if not body.strip():
        check.problem(end + 1, "the lesson has no text")
    return str(title).strip(), body, (minutes, front, line_of(data, "minutes")), activity


def _leading_blank_lines(lines: list[str]) -> int:
    count = 0
    for line in lines:
        if line.strip():
            break
        count += 1
    return count
