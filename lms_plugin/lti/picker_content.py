"""What the deep-linking picker offers: the course's modules (courses feature or YAML)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from flask import current_app

from lms_plugin import providers

COURSE_ID = "mentor-30h"
QUIZ_SCORE_MAXIMUM = 100.0
log = logging.getLogger("lms_plugin.lti")


@dataclass(frozen=True)
class PickerModule:
    """A module as the picker shows it; `score_maximum` is None for ungraded modules."""

    id: str
    title: dict[str, str]
    kind: str
    score_maximum: float | None
    graded_by: str | None  # "assignment" | "quiz" | "journal" | None
    has_quiz: bool = False
    # A practicum journal's points when the module has one; it gets its own column
    # (`journal:<id>`) when the module's column is its assignment's or its check's.
    journal_points: float | None = None


@dataclass(frozen=True)
class PickerCourse:
    id: str
    title: dict[str, str]
    modules: tuple[PickerModule, ...]


def localized(texts: dict[str, str], lang: str) -> str:
    """The text in `lang`, else Hungarian, else any."""
    return texts.get(lang) or texts.get("hu") or next(iter(texts.values()), "")


def load_course(course_id: str = COURSE_ID) -> PickerCourse:
    """The course from lms_plugin.courses.content when available, else from course.yaml files."""
    if "course" not in providers.provided():
        return _from_yaml(course_id)
    try:
        course: Any = providers.course(course_id)
        modules = tuple(_module_of(m) for m in course.modules)
        return PickerCourse(id=str(course.id), title=dict(course.title), modules=modules)
    except (LookupError, AttributeError, OSError, ValueError) as exc:
        log.warning("course content unavailable, reading YAML", extra={"data": {"error": str(exc)}})
        return _from_yaml(course_id)


def _module_of(module: Any) -> PickerModule:
    journal = getattr(module, "journal", None)
    journal_points = float(journal.assignment.points) if journal is not None else None
    if module.assignment is not None:
        return PickerModule(
            module.id,
            dict(module.title),
            module.kind,
            float(module.assignment.points),
            "assignment",
            module.quiz is not None,
            journal_points,
        )
    if module.quiz is not None:
        return PickerModule(
            module.id,
            dict(module.title),
            module.kind,
            QUIZ_SCORE_MAXIMUM,
            "quiz",
            True,
            journal_points,
        )
    if journal_points is not None:
        return PickerModule(
            module.id, dict(module.title), module.kind, journal_points, "journal", False
        )
    return PickerModule(module.id, dict(module.title), module.kind, None, None)


def _read(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data if isinstance(data, dict) else {}


def _from_yaml(course_id: str) -> PickerCourse:
    root = Path(current_app.config["COURSES_DIR"]) / course_id
    course = _read(root / "course.yaml") if (root / "course.yaml").exists() else {}
    modules = []
    for module_file in sorted((root / "modules").glob("*/module.yaml")):
        data = _read(module_file)
        if not data.get("id"):
            continue
        folder = module_file.parent
        title = {str(k): str(v) for k, v in (data.get("title") or {}).items()}
        kind = str(data.get("kind", "core"))
        journal: float | None = None
        if (folder / "journal.yaml").exists():
            journal = float(_read(folder / "journal.yaml").get("points") or 100)
        if (folder / "assignment.yaml").exists():
            points = float(_read(folder / "assignment.yaml").get("points") or 100)
            has_quiz = (folder / "quiz.yaml").exists()
            modules.append(
                PickerModule(str(data["id"]), title, kind, points, "assignment", has_quiz, journal)
            )
        elif (folder / "quiz.yaml").exists():
            modules.append(
                PickerModule(
                    str(data["id"]), title, kind, QUIZ_SCORE_MAXIMUM, "quiz", True, journal
                )
            )
        elif journal is not None:
            modules.append(PickerModule(str(data["id"]), title, kind, journal, "journal"))
        else:
            modules.append(PickerModule(str(data["id"]), title, kind, None, None))
    title = {str(k): str(v) for k, v in (course.get("title") or {}).items()} or {"hu": course_id}
    return PickerCourse(id=course_id, title=title, modules=tuple(modules))
