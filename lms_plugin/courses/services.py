"""Course versions (sync), enrolments and lesson progress. Services flush; callers commit."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from lms_plugin import events
from lms_plugin.courses.content import Course, Lesson, all_courses, content_problems, reload_courses
from lms_plugin.courses.models import CourseVersion, Enrolment, LessonProgress
from lms_plugin.db import db, utcnow

log = logging.getLogger("lms_plugin.courses")
T = TypeVar("T")
ITEM_KINDS = ("modules", "lessons", "quizzes", "assignments")


def course_items(course: Course) -> dict[str, list[str]]:
    """The ids a version holds: what progress rows can point at."""
    return {
        "modules": [m.id for m in course.modules],
        "lessons": [lesson.id for lesson in course.lessons],
        "quizzes": [q.id for q in course.quizzes],
        "assignments": [a.id for a in course.assignments],
    }


def latest_version(course_id: str) -> CourseVersion | None:
    """The most recently recorded version of a course."""
    return db.session.scalar(
        select(CourseVersion)
        .where(CourseVersion.course_id == course_id)
        .order_by(CourseVersion.id.desc())
        .limit(1)
    )


def _insert_or_get(row: T, lookup: Callable[[], T | None]) -> T:
    """Insert `row`; when a concurrent request inserted the same unique key first, use theirs."""
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        found = lookup()
        if found is None:
            raise
        return found
    return row


def ensure_version(course: Course) -> CourseVersion:
    """The recorded row for the course's current content, recording it when new."""

    def lookup() -> CourseVersion | None:
        return db.session.scalar(
            select(CourseVersion).where(
                CourseVersion.course_id == course.id,
                CourseVersion.content_hash == course.content_hash,
            )
        )

    found = lookup()
    if found is not None:
        return found
    row = CourseVersion(
        course_id=course.id,
        version=course.version,
        content_hash=course.content_hash,
        recorded_at=utcnow(),
        items=course_items(course),
    )
    return _insert_or_get(row, lookup)


def sync_course(course: Course) -> list[str]:
    """Record the course's version when its content changed; report removed and added items."""
    previous = latest_version(course.id)
    label = f"{course.id} {course.version} ({course.content_hash[:12]})"
    if previous is not None and previous.content_hash == course.content_hash:
        return [f"{label}: unchanged."]
    current = ensure_version(course)
    if previous is None:
        counts = ", ".join(f"{len(ids)} {kind}" for kind, ids in current.items.items())
        return [f"{label}: recorded ({counts})."]
    lines = [
        f"{label}: new version recorded "
        f"(previous {previous.version}, {previous.content_hash[:12]})."
    ]
    if previous.version == course.version:
        lines.append(
            f"  warning: the content changed but version is still {course.version!r}: raise it."
        )
    for kind in ITEM_KINDS:
        before = list(previous.items.get(kind, []))
        now = set(current.items.get(kind, []))
        removed = [item for item in before if item not in now]
        added = [item for item in current.items.get(kind, []) if item not in set(before)]
        if removed:
            lines.append(
                f"  REMOVED {kind}: {', '.join(removed)} "
                "(trainees' progress on them is kept in the database)"
            )
        if added:
            lines.append(f"  added {kind}: {', '.join(added)}")
    return lines


def sync_all() -> list[str]:
    """Read the course files again and record every course's version; commits (CLI unit of work)."""
    reload_courses()
    lines: list[str] = []
    courses = all_courses()
    if not courses:
        lines.append("No course found in COURSES_DIR.")
    for course in courses:
        lines.extend(sync_course(course))
    problems = content_problems()
    if problems:
        lines.append(
            f"{len(problems)} problem(s) in the course files: "
            "run `flask --app lms_plugin courses check`."
        )
    db.session.commit()
    return lines


def ensure_enrolment(user_id: int, course: Course, context_pk: int | None) -> Enrolment:
    """The trainee's enrolment, created on the first visit with the version they start on."""

    def lookup() -> Enrolment | None:
        return db.session.scalar(
            select(Enrolment).where(Enrolment.user_id == user_id, Enrolment.course_id == course.id)
        )

    enrolment = lookup()
    if enrolment is None:
        version = ensure_version(course)
        enrolment = _insert_or_get(
            Enrolment(
                user_id=user_id,
                course_id=course.id,
                context_pk=context_pk,
                course_version_id=version.id,
                started_at=utcnow(),
            ),
            lookup,
        )
    elif context_pk is not None and enrolment.context_pk != context_pk:
        enrolment.context_pk = context_pk
    return enrolment


def lesson_rows(user_id: int, course_id: str) -> dict[str, LessonProgress]:
    """The trainee's lesson records by lesson id (one query)."""
    rows = db.session.scalars(
        select(LessonProgress).where(
            LessonProgress.user_id == user_id, LessonProgress.course_id == course_id
        )
    )
    return {row.lesson_id: row for row in rows}


VISIT_RESOLUTION = timedelta(minutes=5)


def _recently_here(enrolment: Enrolment, lesson: Lesson, now: datetime) -> bool:
    """The trainee's last place is this lesson, recorded less than VISIT_RESOLUTION ago."""
    last = enrolment.last_visited_at
    if last is None or enrolment.last_lesson_id != lesson.id:
        return False
    if last.tzinfo is None:  # SQLite hands back naive UTC
        last = last.replace(tzinfo=UTC)
    return timedelta(0) <= now - last < VISIT_RESOLUTION


def open_lesson(
    user_id: int, course: Course, lesson: Lesson, context_pk: int | None
) -> LessonProgress:
    """Record that the trainee opened the lesson and remember it as where they left off."""
    enrolment = ensure_enrolment(user_id, course, context_pk)
    now = utcnow()
    if not _recently_here(enrolment, lesson, now):  # a re-read of the same lesson writes nothing
        enrolment.last_module_id = lesson.module_id
        enrolment.last_lesson_id = lesson.id
        enrolment.last_visited_at = now

    def lookup() -> LessonProgress | None:
        return db.session.scalar(
            select(LessonProgress).where(
                LessonProgress.user_id == user_id,
                LessonProgress.course_id == course.id,
                LessonProgress.lesson_id == lesson.id,
            )
        )

    row = lookup()
    if row is None:
        row = _insert_or_get(
            LessonProgress(
                user_id=user_id,
                course_id=course.id,
                lesson_id=lesson.id,
                module_id=lesson.module_id,
                opened_at=utcnow(),
            ),
            lookup,
        )
        db.session.flush()
        events.publish(events.LessonOpened(user_id, course.id))  # its module is now "started"
    db.session.flush()
    return row


def complete_lesson(user_id: int, course: Course, lesson: Lesson, context_pk: int | None) -> bool:
    """Mark the lesson complete (once); True when this call completed it.

    Refused (TimeNotMet, 409) while the trainee's active time on the lesson is below its minimum:
    every route that completes a lesson comes through here.
    """
    from lms_plugin.courses.time_on_task import require_time_met

    row = open_lesson(user_id, course, lesson, context_pk)
    if row.completed_at is not None:
        return False
    require_time_met(user_id, course, lesson)
    row.completed_at = utcnow()
    db.session.flush()
    notify_progress(user_id, course.id)
    return True


def notify_progress(user_id: int, course_id: str) -> None:
    """Publish that something counting towards the course changed (progress subscribes)."""
    events.publish(events.ProgressChanged(user_id, course_id))
