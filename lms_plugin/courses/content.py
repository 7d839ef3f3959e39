"""Course content as frozen dataclasses, loaded from COURSES_DIR and cached per process."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from flask import current_app
from flask_babel import gettext as _

from lms_plugin.courses.evaluation_format import Evaluation
from lms_plugin.errors import NotFound

if TYPE_CHECKING:
    from lms_plugin.courses.journal_format import Journal
    from lms_plugin.courses.reader import ReadResult
    from lms_plugin.courses.source import Problem

log = logging.getLogger("lms_plugin.courses")

QUESTION_TYPES = ("single", "multiple", "truefalse", "matching")


def localized(texts: dict[str, str], lang: str, default: str = "hu") -> str:
    """The text in `lang`, else in the course default, else any non-empty text."""
    for code in (lang, default):
        if texts.get(code):
            return texts[code]
    return next((text for text in texts.values() if text), "")


@dataclass(frozen=True)
class Option:
    """An answer option of a single- or multiple-choice question."""

    id: str
    text: dict[str, str]
    correct: bool
    feedback: dict[str, str]


@dataclass(frozen=True)
class Pair:
    """A left item and the right item it matches."""

    left: dict[str, str]
    right: dict[str, str]
    feedback: dict[str, str]


@dataclass(frozen=True)
class Question:
    """A knowledge-check question; which fields matter depends on `type`."""

    id: str
    type: str  # single | multiple | truefalse | matching
    prompt: dict[str, str]
    options: tuple[Option, ...] = ()
    answer: bool | None = None  # truefalse
    feedback_true: dict[str, str] = field(default_factory=dict)  # truefalse: shown for "true"
    feedback_false: dict[str, str] = field(default_factory=dict)
    pairs: tuple[Pair, ...] = ()  # matching
    scenario: dict[str, str] = field(default_factory=dict)  # a case shown before the prompt


@dataclass(frozen=True)
class Quiz:
    """A module's knowledge check."""

    id: str
    module_id: str
    pass_mark: int  # percent of questions answered fully correctly
    attempts: int  # 0 = unlimited
    questions: tuple[Question, ...]
    draw: int = 0  # questions drawn per attempt; 0 = all of them
    shuffle: bool = True  # option order shuffled per attempt (stored with the attempt)


@dataclass(frozen=True)
class Level:
    """One level of a rubric criterion; with `min_points` the grader picks min_points..points."""

    points: int  # the level's points (the top of its range when it has one)
    title: dict[str, str]
    descriptor: dict[str, str]
    min_points: int | None = None

    @property
    def low(self) -> int:
        """The fewest points this level gives."""
        return self.points if self.min_points is None else self.min_points

    @property
    def has_range(self) -> bool:
        return self.low < self.points


@dataclass(frozen=True)
class Criterion:
    """A rubric criterion with its levels, lowest first."""

    id: str
    title: dict[str, str]
    levels: tuple[Level, ...]
    # Index of the lowest level that passes; 0 = not must-pass. Below it the work needs revision
    # whatever the total.
    min_level: int = 0

    @property
    def max_points(self) -> int:
        return max((level.points for level in self.levels), default=0)

    @property
    def must_pass(self) -> bool:
        return self.min_level > 0

    @property
    def min_level_obj(self) -> Level | None:
        return self.levels[self.min_level] if 0 < self.min_level < len(self.levels) else None


@dataclass(frozen=True)
class Trigger:
    """An automatic "needs revision" rule the grader ticks (e.g. identifiable personal data).

    A built-in trigger (`builtin` True) takes its texts from the tool's translations.
    """

    id: str
    title: dict[str, str]
    description: dict[str, str]
    builtin: bool = False


@dataclass(frozen=True)
class Assignment:
    """A graded assignment (the grading feature runs submissions and marking)."""

    id: str
    module_id: str
    title: dict[str, str]
    brief: dict[str, str]  # Markdown
    submission_types: tuple[str, ...]
    max_files: int
    max_file_mb: float
    file_types: tuple[str, ...]
    max_attempts: int
    points: int
    pass_mark: int
    rubric: tuple[Criterion, ...]
    revision_triggers: tuple[Trigger, ...] = ()
    # Length of the online text in words (0: no limit); grading.wordcount applies them.
    min_words: int = 0
    max_words: int = 0
    # "assignment", or "journal" for a practicum journal graded as an assignment (its tag in
    # the gradebook); `resource_id` is its column ("" = the module's, `module:<module_id>`).
    kind: str = "assignment"
    resource_id: str = ""

    def trigger(self, trigger_id: str) -> Trigger | None:
        return next((t for t in self.revision_triggers if t.id == trigger_id), None)


@dataclass(frozen=True)
class Lesson:
    """A reading; `body` is Markdown per language."""

    id: str
    module_id: str
    order: int
    minutes: int
    title: dict[str, str]
    body: dict[str, str]
    activity_minutes: int = 0  # tasks inside the lesson (a reflection, an exercise, a video)


CREDIT_KINDS = ("online", "assignment", "live", "practicum")


@dataclass(frozen=True)
class ModuleCredit:
    """A module's hours by kind (module.yaml `credit:`); they add up to the module's hours."""

    online: float = 0.0
    assignment: float = 0.0
    live: float = 0.0
    practicum: float = 0.0

    def as_dict(self) -> dict[str, float]:
        return {kind: float(getattr(self, kind)) for kind in CREDIT_KINDS}


@dataclass(frozen=True)
class CreditRules:
    """course.yaml `credit_rules:`: what earns each kind of hours."""

    online: str = "lessons_and_check"  # lessons_and_check | lessons
    assignment: str = "passed"  # passed | submitted
    live: str = "attended"  # attended
    practicum: str = "passed"  # passed | submitted


@dataclass(frozen=True)
class LiveSession:
    """A declared live session (a workshop in person or an online seminar) and its hours."""

    id: str
    module_id: str
    kind: str  # workshop | online
    hours: float
    title: dict[str, str]
    summary: dict[str, str] = field(default_factory=dict)  # Markdown


@dataclass(frozen=True)
class Module:
    """A module: lessons, an optional knowledge check and an optional assignment."""

    id: str
    order: int
    kind: str  # core | refresher
    hours: float
    face_to_face_hours: float
    min_active_minutes: int
    title: dict[str, str]
    objectives: dict[str, tuple[str, ...]]
    lessons: tuple[Lesson, ...]
    quiz: Quiz | None
    assignment: Assignment | None
    folder: str = ""  # absolute path of the module folder (images live in images/)
    # Hours by kind (module.yaml `credit:`); None = the module is all online (plus legacy
    # face_to_face_hours as live). See lms_plugin.courses.credit_format.
    credit: ModuleCredit | None = None
    # Live sessions (module.yaml `live_sessions:`); the live feature schedules their dates.
    live_sessions: tuple[LiveSession, ...] = ()
    # The practicum journal (journal.yaml); lms_plugin.courses.journal_format.
    journal: Journal | None = None

    def lesson(self, lesson_id: str) -> Lesson | None:
        return next((lesson for lesson in self.lessons if lesson.id == lesson_id), None)

    def live_session(self, session_id: str) -> LiveSession | None:
        return next((s for s in self.live_sessions if s.id == session_id), None)


@dataclass(frozen=True)
class CertificationRules:
    """What a trainee needs for the mentor certificate."""

    require_all_modules: bool = True
    require_quizzes_passed: bool = True
    require_assignments_passed: bool = True
    min_hours: float = 0
    min_active_minutes: int = 0
    validity_years: int = 3
    refresher_module: str | None = None
    issuer: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Course:
    """A course as read from its folder; `content_hash` changes whenever any file changes."""

    id: str
    version: str
    title: dict[str, str]
    summary: dict[str, str]
    languages: tuple[str, ...]
    default_language: str
    hours: float
    sequential: bool
    assignment_completion: str  # "submitted" | "passed"
    certification: CertificationRules
    modules: tuple[Module, ...]
    content_hash: str
    folder: str = ""  # absolute path of the course folder
    # Time on task (see lms_plugin.courses.time_on_task)
    reading_speed_wpm: int = 180
    min_active_share: float = 0.5
    time_on_task: str = "advisory"  # "enforced": the minutes band is an error, not a warning
    credit_rules: CreditRules = field(default_factory=CreditRules)
    # The course's own evaluation (self-assessment, survey): lms_plugin.courses.evaluation_format
    evaluation: Evaluation | None = None

    def module(self, module_id: str) -> Module | None:
        return next((m for m in self.modules if m.id == module_id), None)

    @property
    def core_modules(self) -> tuple[Module, ...]:
        return tuple(m for m in self.modules if m.kind == "core")

    @property
    def refresher(self) -> Module | None:
        name = self.certification.refresher_module
        return self.module(name) if name else None

    @property
    def lessons(self) -> tuple[Lesson, ...]:
        return tuple(lesson for m in self.modules for lesson in m.lessons)

    @property
    def quizzes(self) -> tuple[Quiz, ...]:
        return tuple(m.quiz for m in self.modules if m.quiz is not None)

    @property
    def assignments(self) -> tuple[Assignment, ...]:
        return tuple(m.assignment for m in self.modules if m.assignment is not None)

    def lesson(self, lesson_id: str) -> Lesson | None:
        return next((lesson for lesson in self.lessons if lesson.id == lesson_id), None)

    def language_for(self, locale: str | None) -> str:
        """The UI locale when the course has it, else the course default."""
        return locale if locale in self.languages else self.default_language


_lock = threading.Lock()
_cache: dict[str, ReadResult] = {}


def courses_dir() -> Path:
    """The folder that holds the course folders (app config COURSES_DIR)."""
    return Path(str(current_app.config["COURSES_DIR"]))


def _loaded() -> ReadResult:
    key = str(courses_dir().resolve())
    found = _cache.get(key)
    if found is None:
        with _lock:
            found = _cache.get(key)
            if found is None:
                from lms_plugin.courses.reader import read_courses

                found = read_courses(Path(key))
                if found.problems:
                    log.warning(
                        "%d problem(s) in the course files, first: %s; run "
                        "`flask --app lms_plugin courses check`",
                        len(found.problems),
                        found.problems[0],
                    )
                _cache[key] = found
    return found


def all_courses() -> list[Course]:
    """Every course under COURSES_DIR, in folder order."""
    return list(_loaded().courses)


def get_course(course_id: str) -> Course:
    """The course with this id; NotFound when there is none."""
    course = next((c for c in _loaded().courses if c.id == course_id), None)
    if course is None:
        raise NotFound(_("There is no course %(id)s.", id=course_id))
    return course


def content_problems() -> list[Problem]:
    """The problems found when the courses were read (what `courses check` reports)."""
    return list(_loaded().problems)


def reload_courses() -> None:
    """Forget the loaded courses; the next call reads the files again."""
    with _lock:
        _cache.clear()
