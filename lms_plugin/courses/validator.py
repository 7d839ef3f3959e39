"""`courses check`: every problem in the course files with file and line; a summary per course."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lms_plugin.courses.content import Course, Question
from lms_plugin.courses.materials import material_problems
from lms_plugin.courses.reader import read_courses
from lms_plugin.courses.source import Problem
from lms_plugin.courses.time_on_task import BAND_HIGH, BAND_LOW, band_findings, minutes_report


@dataclass(frozen=True)
class CheckReport:
    """The outcome of checking a courses folder."""

    courses: list[dict[str, Any]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # Worth a look but not wrong (the course still loads): e.g. biased answer keys.
    warnings: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_json(self) -> dict[str, Any]:
        """{"courses": [...]} plus "problems" when there are any."""
        body: dict[str, Any] = {"courses": self.courses}
        if self.problems:
            body["problems"] = [p.as_dict() for p in self.problems]
        if self.warnings:
            body["warnings"] = [p.as_dict() for p in self.warnings]
        return body


def summarize(course: Course, words: dict[str, int]) -> dict[str, Any]:
    """Counts of one course, and words (lessons and assignment briefs) per language."""
    return {
        "id": course.id,
        "version": course.version,
        "hours": course.hours,
        "languages": list(course.languages),
        "modules": len(course.modules),
        "lessons": len(course.lessons),
        "quizzes": len(course.quizzes),
        "assignments": len(course.assignments),
        "words": {lang: words.get(lang, 0) for lang in course.languages},
        "lesson_minutes": [row.as_dict() for row in minutes_report(course)],
    }


def check_courses(path: Path) -> CheckReport:
    """Read every course under `path` and report what is wrong, sorted by file and line."""
    result = read_courses(path)
    courses = [summarize(c, result.words.get(c.id, {})) for c in result.courses]
    problems = sorted(set(result.problems), key=lambda p: (p.file, p.line, p.message))
    warnings = [w for c in result.courses for w in key_bias_warnings(c)]
    for course in result.courses:
        # The minutes band fails the check only where the course enforces time on task.
        band = band_findings(course)
        if course.time_on_task == "enforced":
            problems += band
        else:
            warnings += band
        warnings += legacy_live_warnings(course)
        problems += material_problems(course)  # <course>/materials/ (docs/course-format.md)
    return CheckReport(courses, problems, warnings)


def legacy_live_warnings(course: Course) -> list[Problem]:
    """face_to_face_hours is still read (as live hours without sessions), with a warning."""
    return [
        Problem(
            (Path(module.folder) / "module.yaml")
            .relative_to(Path(course.folder).parent)
            .as_posix(),
            0,
            f"face_to_face_hours ({module.face_to_face_hours:g}) is the old way to declare live "
            "hours: declare credit.live and the module's live_sessions instead",
        )
        for module in course.modules
        if module.credit is None and module.face_to_face_hours > 0
    ]


def format_minutes(course: dict[str, Any]) -> list[str]:
    """Declared vs measured minutes of every lesson (the band is BAND_LOW–BAND_HIGH × measured)."""
    lines = [f"{course['id']}: lesson minutes, declared vs measured ({BAND_LOW:g}–{BAND_HIGH:g}×):"]
    for row in course.get("lesson_minutes", []):
        mark = "" if row["in_band"] else "  <- outside the band"
        lines.append(
            f"  {row['module']}/{row['lesson']}: declared {row['declared']}, measured "
            f"{row['measured']:g} ({row['words']} words + {row['activity_minutes']} activity), "
            f"minimum active {row['min_active_minutes']:g}{mark}"
        )
    return lines


def format_report(report: CheckReport) -> list[str]:
    """Lines for people: one per problem, then one per course."""
    lines = [str(problem) for problem in report.problems]
    lines += [f"warning: {warning}" for warning in report.warnings]
    for course in report.courses:
        words = ", ".join(f"{lang} {n}" for lang, n in course["words"].items())
        lines.append(
            f"{course['id']} {course['version']}: {course['hours']:g} hours, "
            f"{course['modules']} modules, {course['lessons']} lessons, "
            f"{course['quizzes']} quizzes, "
            f"{course['assignments']} assignments; words: {words}"
        )
    for course in report.courses:
        lines += format_minutes(course)
    count = len(report.problems)
    lines.append("No problems found." if not count else f"{count} problem(s) found.")
    return lines


# A key is "biased" when more than this share of the single-choice items has it.
BIAS_SHARE = 0.5
MIN_ITEMS = 4  # fewer single-choice items than this say nothing about bias


def _is_longest(question: Question, lang: str) -> bool:
    lengths = [(len(o.text.get(lang, "")), o.correct) for o in question.options]
    best = max(n for n, _ in lengths)
    return sum(1 for n, _ in lengths if n == best) == 1 and any(
        ok for n, ok in lengths if n == best
    )


def key_bias_warnings(course: Course) -> list[Problem]:
    """Warn (never fail) when the single-choice keys of a course give the answer away: the
    correct option mostly in one position, never last, or mostly the longest text."""
    items = [
        (m, q)
        for m in course.modules
        if m.quiz is not None
        for q in m.quiz.questions
        if q.type == "single" and len(q.options) > 1
    ]
    if len(items) < MIN_ITEMS:
        return []
    where = f"{course.id}/course.yaml"
    found: list[Problem] = []
    positions: dict[int, int] = {}
    never_last = True
    for _m, q in items:
        index = next(i for i, o in enumerate(q.options) if o.correct)
        positions[index + 1] = positions.get(index + 1, 0) + 1
        never_last = never_last and index != len(q.options) - 1
    total = len(items)
    position, count = max(positions.items(), key=lambda kv: (kv[1], -kv[0]))
    spread = ", ".join(f"{p}: {n}" for p, n in sorted(positions.items()))
    if count > BIAS_SHARE * total:
        found.append(
            Problem(
                where,
                0,
                f"in {count} of {total} single-choice questions the correct option is number "
                f"{position} (positions {spread}); vary where the key sits",
            )
        )
    if never_last:
        found.append(
            Problem(
                where,
                0,
                f"in none of the {total} single-choice questions is the last option correct "
                f"(positions {spread})",
            )
        )
    for lang in course.languages:
        longest = [q.id for _m, q in items if _is_longest(q, lang)]
        if len(longest) > BIAS_SHARE * total:
            found.append(
                Problem(
                    where,
                    0,
                    f"in {len(longest)} of {total} single-choice questions the longest "
                    f"{lang!r} option is the correct one; make the distractors as full as "
                    "the key",
                )
            )
    return found
