"""Time on task for lessons: measured minutes, the declared-minutes band, each lesson's minimum
active time, and the rule that "Mark as complete" waits for it.

measured = words(body in the course's default language) / reading_speed_wpm + activity_minutes.
A lesson's declared `minutes` must lie within BAND_LOW..BAND_HIGH × measured (an error when the
course sets `time_on_task: enforced`, a warning otherwise). Its minimum active time is
min_active_share × minutes; the heartbeats (lms_plugin.progress.timekeeping) record the seconds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from lms_plugin.courses.content import Course, Lesson
from lms_plugin.courses.markdown_checks import count_words
from lms_plugin.courses.models import LessonActiveTime
from lms_plugin.courses.source import Problem
from lms_plugin.db import db
from lms_plugin.errors import Conflict

BAND_LOW = 0.75
BAND_HIGH = 1.5


def measured_minutes(course: Course, lesson: Lesson) -> float:
    """Reading time of the lesson's text at the course's reading speed, plus its activities."""
    body = lesson.body.get(course.default_language) or next(iter(lesson.body.values()), "")
    return count_words(body) / course.reading_speed_wpm + lesson.activity_minutes


def min_active_seconds(course: Course, lesson: Lesson) -> int:
    """Active seconds the lesson needs before it can be marked complete."""
    return round(course.min_active_share * lesson.minutes * 60)


def module_min_seconds(course: Course, module_id: str) -> int:
    """The sum of the minimums of a module's lessons."""
    module = course.module(module_id)
    return sum(min_active_seconds(course, lesson) for lesson in module.lessons) if module else 0


@dataclass(frozen=True)
class LessonMinutes:
    """One line of the declared-vs-measured report."""

    module_id: str
    lesson_id: str
    declared: int
    measured: float
    words: int
    activity: int
    min_active_minutes: float

    @property
    def in_band(self) -> bool:
        return BAND_LOW * self.measured <= self.declared <= BAND_HIGH * self.measured

    def as_dict(self) -> dict[str, object]:
        return {
            "module": self.module_id,
            "lesson": self.lesson_id,
            "declared": self.declared,
            "measured": round(self.measured, 1),
            "words": self.words,
            "activity_minutes": self.activity,
            "min_active_minutes": round(self.min_active_minutes, 1),
            "in_band": self.in_band,
        }


def minutes_report(course: Course) -> list[LessonMinutes]:
    """Declared and measured minutes of every lesson, in course order."""
    rows = []
    for module in course.modules:
        for lesson in module.lessons:
            body = lesson.body.get(course.default_language, "")
            rows.append(
                LessonMinutes(
                    module.id,
                    lesson.id,
                    lesson.minutes,
                    measured_minutes(course, lesson),
                    count_words(body),
                    lesson.activity_minutes,
                    min_active_seconds(course, lesson) / 60,
                )
            )
    return rows


def _lesson_file(course: Course, lesson: Lesson) -> tuple[str, int]:
    """The default-language file of a lesson (relative to the courses folder) and the line of
    its `minutes:`."""
    module = course.module(lesson.module_id)
    folder = Path(module.folder) if module else Path(course.folder)
    path = folder / "lessons" / f"{lesson.order:02d}-{lesson.id}.{course.default_language}.md"
    line = 0
    try:
        for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if text.startswith("minutes:"):
                line = number
                break
    except OSError:
        pass
    root = Path(course.folder).parent
    try:
        name = path.relative_to(root).as_posix()
    except ValueError:
        name = path.as_posix()
    return name, line


def band_findings(course: Course) -> list[Problem]:
    """One finding per lesson whose declared minutes lie outside the band around measured."""
    found = []
    for row in minutes_report(course):
        if row.in_band:
            continue
        lesson = course.lesson(row.lesson_id)
        assert lesson is not None
        name, line = _lesson_file(course, lesson)
        low, high = math.ceil(BAND_LOW * row.measured), math.floor(BAND_HIGH * row.measured)
        advice = (
            f"declare {low}–{high} minutes"
            if 1 <= low <= high
            else "the text is too short for any whole minutes: add to it or declare "
            "activity_minutes for the tasks in the lesson"
        )
        found.append(
            Problem(
                name,
                line,
                f"minutes ({row.declared}) is outside {BAND_LOW:g}–{BAND_HIGH:g} × the measured "
                f"{row.measured:.1f} minutes ({row.words} words at {course.reading_speed_wpm} "
                f"words/min + {row.activity} activity minutes); {advice}",
            )
        )
    return found


def lesson_seconds(user_id: int, course_id: str) -> dict[str, int]:
    """Active seconds per lesson of a trainee (one query)."""
    rows = db.session.execute(
        select(LessonActiveTime.lesson_id, LessonActiveTime.seconds).where(
            LessonActiveTime.user_id == user_id, LessonActiveTime.course_id == course_id
        )
    ).all()
    return {lesson_id: int(seconds) for lesson_id, seconds in rows}


def legacy_completions(user_id: int, course_id: str) -> set[str]:
    """Lessons completed before time on task was recorded (kept, flagged for the trainer)."""
    return set(
        db.session.scalars(
            select(LessonActiveTime.lesson_id).where(
                LessonActiveTime.user_id == user_id,
                LessonActiveTime.course_id == course_id,
                LessonActiveTime.is_legacy_completion.is_(True),
            )
        )
    )


def remaining_seconds(user_id: int, course: Course, lesson: Lesson) -> int:
    """Active seconds still needed on this lesson before it can be marked complete."""
    spent = db.session.scalar(
        select(LessonActiveTime.seconds).where(
            LessonActiveTime.user_id == user_id,
            LessonActiveTime.course_id == course.id,
            LessonActiveTime.lesson_id == lesson.id,
        )
    )
    return max(0, min_active_seconds(course, lesson) - int(spent or 0))


def remaining_text(seconds: int) -> str:
    """The lesson page's "About N minutes of active reading left"."""
    minutes = max(1, math.ceil(seconds / 60))
    return ngettext(
        "About %(num)d minute of active reading is left before you can mark this lesson complete.",
        "About %(num)d minutes of active reading are left before you can mark this lesson "
        "complete.",
        minutes,
    )


class TimeNotMet(Conflict):
    """A "Mark as complete" before the lesson's minimum active time: refused, with the time left."""

    def __init__(self, remaining: int) -> None:
        super().__init__(
            _("This lesson cannot be marked complete yet.") + " " + remaining_text(remaining)
        )
        self.remaining = remaining


def require_time_met(user_id: int, course: Course, lesson: Lesson) -> None:
    """Raise TimeNotMet when the trainee's active time on the lesson is below its minimum."""
    remaining = remaining_seconds(user_id, course, lesson)
    if remaining > 0:
        raise TimeNotMet(remaining)
