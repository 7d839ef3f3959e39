"""`courses check`: every problem in the course files with file and line; a summary per course."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lms_plugin.courses.content import Course
from lms_plugin.courses.reader import read_courses
from lms_plugin.courses.source import Problem


@dataclass(frozen=True)
class CheckReport:
    """The outcome of checking a courses folder."""

    courses: list[dict[str, Any]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_json(self) -> dict[str, Any]:
        """{"courses": [...]} plus "problems" when there are any."""
        body: dict[str, Any] = {"courses": self.courses}
        if self.problems:
            body["problems"] = [p.as_dict() for p in self.problems]
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
    }


def check_courses(path: Path) -> CheckReport:
    """Read every course under `path` and report what is wrong, sorted by file and line."""
    result = read_courses(path)
    courses = [summarize(c, result.words.get(c.id, {})) for c in result.courses]
    problems = sorted(set(result.problems), key=lambda p: (p.file, p.line, p.message))
    return CheckReport(courses, problems)


def format_report(report: CheckReport) -> list[str]:
    """Lines for people: one per problem, then one per course."""
    lines = [str(problem) for problem in report.problems]
    for course in report.courses:
        words = ", ".join(f"{lang} {n}" for lang, n in course["words"].items())
        lines.append(
            f"{course['id']} {course['version']}: {course['hours']:g} hours, "
            f"{course['modules']} modules, {course['lessons']} lessons, "
            f"{course['quizzes']} quizzes, "
            f"{course['assignments']} assignments; words: {words}"
        )
    count = len(report.problems)
    lines.append("No problems found." if not count else f"{count} problem(s) found.")
    return lines
