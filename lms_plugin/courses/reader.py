"""Reading course folders into Course objects, collecting every problem with its file and line."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from lms_plugin.courses.content import CertificationRules, Course
from lms_plugin.courses.credit_format import COURSE_TIME_KEYS, read_time_settings
from lms_plugin.courses.evaluation_format import read_evaluation
from lms_plugin.courses.markdown_checks import LessonLink
from lms_plugin.courses.modules import read_modules
from lms_plugin.courses.source import FileCheck, IdRegistry, LineDict, Problem, line_of, relative

COURSE_KEYS = {
    "id",
    "version",
    "title",
    "summary",
    "languages",
    "default_language",
    "hours",
    "sequential",
    "module_completion",
    "certification",
    *COURSE_TIME_KEYS,
    "evaluation",
}
CERT_KEYS = {
    "require_all_modules",
    "require_quizzes_passed",
    "require_assignments_passed",
    "min_hours",
    "min_active_minutes",
    "validity_years",
    "refresher_module",
    "issuer",
}


@dataclass
class ReadResult:
    """What a courses folder holds, every problem found, and words per course and language."""

    courses: list[Course] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    words: dict[str, dict[str, int]] = field(default_factory=dict)


@dataclass
class ReadContext:
    """What reading one course shares: problems, languages, ids, lesson links to check, words."""

    root: Path
    problems: list[Problem]
    languages: tuple[str, ...]
    ids: IdRegistry = field(default_factory=IdRegistry)
    links: list[LessonLink] = field(default_factory=list)
    words: dict[str, int] = field(default_factory=dict)

    def check(self, path: Path, offset: int = 0) -> FileCheck:
        return FileCheck(self.problems, relative(path, self.root), self.languages, offset)


def read_courses(root: Path) -> ReadResult:
    """Every course folder (one holding course.yaml) under `root`, in name order."""
    result = ReadResult()
    if not root.is_dir():
        result.problems.append(Problem(str(root), 0, "the courses folder does not exist"))
        return result
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        course, words = read_course(folder, root, result.problems)
        if course is None:
            continue
        if any(c.id == course.id for c in result.courses):
            result.problems.append(
                Problem(
                    relative(folder / "course.yaml", root),
                    1,
                    f"course id {course.id!r} is used by another folder",
                )
            )
            continue
        result.courses.append(course)
        result.words[course.id] = words
    return result


def content_hash(folder: Path) -> str:
    """sha256 over the relative path and bytes of every file of the course."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        rel = path.relative_to(folder).as_posix()
        if any(part.startswith(".") for part in rel.split("/")):
            continue
        data = path.read_bytes()
        digest.update(f"{rel}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


def read_course(
    folder: Path, root: Path, problems: list[Problem]
) -> tuple[Course | None, dict[str, int]]:
    """One course folder; None when course.yaml is missing or unusable."""
    path = folder / "course.yaml"
    if not path.is_file():
        problems.append(Problem(relative(folder, root), 0, "no course.yaml in this folder"))
        return None, {}
    check = FileCheck(problems, relative(path, root), ("hu", "en"))
    parsed = check.parse(path.read_text(encoding="utf-8"))
    if parsed is None:
        return None, {}
    data = check.mapping(parsed, "course.yaml")
    if not data:
        return None, {}
    check.keys(data, COURSE_KEYS, "course.yaml")
    languages = _languages(check, data)
    check.languages = languages
    ctx = ReadContext(root, problems, languages)
    course_id = check.ident(data, "id", "course")
    if course_id and course_id != folder.name:
        check.problem(
            line_of(data, "id"), f"id {course_id!r} must equal the folder name {folder.name!r}"
        )
    version = check.get(data, "version", str, "0", where="course")
    hours = float(check.get(data, "hours", (int, float), 0, where="course"))
    completion_raw = check.get(data, "module_completion", dict, LineDict(), required=False)
    check.keys(completion_raw, {"assignment"}, "module_completion")
    completion = check.get(
        completion_raw, "assignment", str, "submitted", required=False, where="module_completion"
    )
    if completion not in ("submitted", "passed"):
        check.problem(
            line_of(completion_raw, "assignment"),
            "module_completion.assignment must be 'submitted' or 'passed'",
        )
        completion = "submitted"
    certification = _certification(check, data)
    time_settings = read_time_settings(check, data)
    modules = read_modules(ctx, folder)
    course = Course(
        id=course_id or folder.name,
        version=str(version),
        title=check.texts(data, "title", "course"),
        summary=check.texts(data, "summary", "course"),
        languages=languages,
        default_language=languages[0]
        if data.get("default_language") not in languages
        else str(data["default_language"]),
        hours=hours,
        sequential=check.get(data, "sequential", bool, True, required=False),
        assignment_completion=completion,
        certification=certification,
        modules=modules,
        content_hash=content_hash(folder),
        folder=str(folder.resolve()),
        reading_speed_wpm=time_settings.reading_speed_wpm,
        min_active_share=time_settings.min_active_share,
        time_on_task=time_settings.time_on_task,
        credit_rules=time_settings.credit_rules,
        evaluation=read_evaluation(check, data),
    )
    _check_course(check, data, course, ctx)
    return course, ctx.words


def _languages(check: FileCheck, data: LineDict) -> tuple[str, ...]:
    raw = check.get(data, "languages", list, [], where="course")
    languages = tuple(str(x) for x in raw if isinstance(x, str) and re.fullmatch(r"[a-z]{2}", x))
    if len(languages) != len(raw) or (raw and not languages):
        check.problem(
            line_of(data, "languages"), "languages must be two-letter codes, e.g. [hu, en]"
        )
    default = check.get(data, "default_language", str, "", where="course")
    if languages and default and default not in languages:
        check.problem(
            line_of(data, "default_language"),
            f"default_language {default!r} is not one of the languages",
        )
    if not languages:
        return ("hu", "en")
    if default in languages:  # the default language first: it is the fallback everywhere
        languages = (default, *[lang for lang in languages if lang != default])
    return languages


def _certification(check: FileCheck, data: LineDict) -> CertificationRules:
    cert = check.get(data, "certification", dict, LineDict(), where="course")
    check.keys(cert, CERT_KEYS, "certification")
    where = "certification"
    flags = {
        key: check.get(cert, key, bool, True, required=False, where=where)
        for key in ("require_all_modules", "require_quizzes_passed", "require_assignments_passed")
    }
    return CertificationRules(
        **flags,
        min_hours=float(check.get(cert, "min_hours", (int, float), 0, where=where)),
        min_active_minutes=check.get(
            cert, "min_active_minutes", int, 0, required=False, where=where
        ),
        validity_years=check.get(cert, "validity_years", int, 3, where=where),
        refresher_module=check.get(
            cert, "refresher_module", str, None, required=False, where=where
        ),
        issuer=check.texts(cert, "issuer", where) if cert else {},
    )


def _check_course(check: FileCheck, data: LineDict, course: Course, ctx: ReadContext) -> None:
    """Rules across files: hours, refresher, lesson links."""
    core = sum(m.hours for m in course.core_modules)
    if course.modules and abs(core - course.hours) > 1e-9:
        check.problem(
            line_of(data, "hours"),
            f"hours is {course.hours:g} but the core modules add up to {core:g}",
        )
    cert = course.certification
    cert_data = data.get("certification")
    if cert.min_hours > course.hours:
        check.problem(
            line_of(cert_data, "min_hours"),
            f"certification.min_hours ({cert.min_hours:g}) is more than the course hours",
        )
    if cert.refresher_module:
        module = course.module(cert.refresher_module)
        if module is None:
            check.problem(
                line_of(cert_data, "refresher_module"),
                f"refresher_module {cert.refresher_module!r} is not a module of this course",
            )
        elif module.kind != "refresher":
            check.problem(
                line_of(cert_data, "refresher_module"),
                f"module {module.id!r} is named as refresher but its kind is {module.kind!r}",
            )
    known = {key for key, (kind, _file, _line) in ctx.ids.seen.items() if kind == "lesson"}
    for link in ctx.links:
        if link.lesson_id not in known:
            link.check.problem(link.line, f"link to lesson:{link.lesson_id}, which does not exist")
