"""Progress: module status, credited hours, and what happens on every progress event."""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from lms_plugin import events
from lms_plugin.accounts.models import User
from lms_plugin.db import db, utcnow
from lms_plugin.errors import DomainError
from lms_plugin.progress.models import (
    ActiveTime,
    Attendance,
    CourseSummary,
    HeartbeatState,
    ModuleOverride,
    ModuleSummary,
    ProgressAudit,
)

log = logging.getLogger("lms_plugin.progress")


@dataclass(frozen=True)
class ModuleProgress:
    module_id: str
    status: str  # locked | open | in_progress | complete
    lessons_done: int
    lessons_total: int
    quiz_best: float | None
    quiz_passed: bool
    assignment_state: str
    hours_credited: float
    active_seconds: int
    is_override: bool = False
    attended: bool = False


@dataclass(frozen=True)
class CourseProgress:
    course_id: str
    modules: tuple[ModuleProgress, ...]
    hours_credited: float
    hours_total: float
    active_seconds: int
    last_activity_at: datetime | None
    next_step: dict[str, str] | None = None
    waiting: tuple[str, ...] = field(default_factory=tuple)

    def module(self, module_id: str) -> ModuleProgress | None:
        return next((m for m in self.modules if m.module_id == module_id), None)


def _assignment_state(user_id: int, assignment_id: str) -> str:
    try:
        from lms_plugin.grading.services import assignment_state
    except ImportError:
        return "none"
    return str(assignment_state(user_id, assignment_id))


def _facts(user_id: int, course: Any) -> dict[str, Any]:
    """Everything one trainee's progress depends on, in a handful of queries."""
    from lms_plugin.courses.models import LessonProgress, QuizAttempt

    lessons = db.session.execute(
        select(
            LessonProgress.lesson_id, LessonProgress.opened_at, LessonProgress.completed_at
        ).where(LessonProgress.user_id == user_id, LessonProgress.course_id == course.id)
    ).all()
    quizzes = db.session.execute(
        select(
            QuizAttempt.quiz_id,
            func.max(QuizAttempt.score_percent),
            func.max(QuizAttempt.submitted_at),
        )
        .where(QuizAttempt.user_id == user_id, QuizAttempt.course_id == course.id)
        .group_by(QuizAttempt.quiz_id)
    ).all()
    passed = set(
        db.session.scalars(
            select(QuizAttempt.quiz_id).where(
                QuizAttempt.user_id == user_id,
                QuizAttempt.course_id == course.id,
                QuizAttempt.passed.is_(True),
            )
        )
    )
    active = dict(
        db.session.execute(
            select(ActiveTime.module_id, ActiveTime.seconds).where(
                ActiveTime.user_id == user_id, ActiveTime.course_id == course.id
            )
        ).all()
    )
    attendance = {
        a.module_id: a
        for a in db.session.scalars(
            select(Attendance).where(
                Attendance.user_id == user_id, Attendance.course_id == course.id
            )
        )
    }
    overrides = set(
        db.session.scalars(
            select(ModuleOverride.module_id).where(
                ModuleOverride.user_id == user_id, ModuleOverride.course_id == course.id
            )
        )
    )
    beat = db.session.get(HeartbeatState, user_id)
    moments = [m for row in lessons for m in (row[1], row[2]) if m is not None]
    moments += [row[2] for row in quizzes if row[2] is not None]
    if beat is not None:
        moments.append(beat.last_beat_at)
    return {
        "completed": {row[0] for row in lessons if row[2] is not None},
        "opened": {row[0] for row in lessons},
        "quiz_best": {row[0]: float(row[1]) if row[1] is not None else None for row in quizzes},
        "quiz_passed": passed,
        "active": active,
        "attendance": attendance,
        "overrides": overrides,
        "last_activity": max(moments) if moments else None,
    }


def _has_certificate(user_id: int, course_id: str) -> bool:
    try:
        from lms_plugin.certification.services import latest_certificate
    except ImportError:
        return False
    return latest_certificate(user_id, course_id) is not None


def compute(user_id: int, course: Any) -> CourseProgress:
    """Recompute a trainee's progress from the records (no writes)."""
    facts = _facts(user_id, course)
    modules: list[ModuleProgress] = []
    previous_complete = True
    hours = 0.0
    waiting: list[str] = []
    for module in course.modules:
        lesson_ids = [lesson.id for lesson in module.lessons]
        done = sum(1 for lid in lesson_ids if lid in facts["completed"])
        quiz_passed = module.quiz is None or module.quiz.id in facts["quiz_passed"]
        quiz_best = facts["quiz_best"].get(module.quiz.id) if module.quiz else None
        a_state = _assignment_state(user_id, module.assignment.id) if module.assignment else "none"
        if module.assignment and a_state in ("submitted", "needs_revision"):
            waiting.append(f"{module.id}:{a_state}")
        needed = {"submitted": {"submitted", "passed", "failed"}, "passed": {"passed"}}
        assignment_ok = module.assignment is None or a_state in needed.get(
            course.assignment_completion, {"passed"}
        )
        active = int(facts["active"].get(module.id, 0))
        active_ok = active >= int(module.min_active_minutes) * 60
        override = module.id in facts["overrides"]
        complete = override or (
            done == len(lesson_ids) and quiz_passed and assignment_ok and active_ok
        )
        started = any(lid in facts["opened"] for lid in lesson_ids) or (
            module.quiz and module.quiz.id in facts["quiz_best"]
        )
        attendance = facts["attendance"].get(module.id)
        if module.kind == "refresher":
            unlocked = _has_certificate(user_id, course.id)
        else:
            unlocked = previous_complete or not course.sequential
        if complete:
            status = "complete"
        elif not unlocked and not started:
            status = "locked"
        else:
            status = "in_progress" if started or done else "open"
        credited = 0.0
        if module.kind != "refresher":
            online = float(module.hours) - float(module.face_to_face_hours)
            credited = online if complete else 0.0
            if attendance is not None:
                credited += min(float(attendance.hours), float(module.face_to_face_hours))
            hours += credited
            previous_complete = complete
        modules.append(
            ModuleProgress(
                module_id=module.id,
                status=status,
                lessons_done=done,
                lessons_total=len(lesson_ids),
                quiz_best=quiz_best,
                quiz_passed=bool(module.quiz is not None and quiz_passed),
                assignment_state=a_state,
                hours_credited=credited,
                active_seconds=active,
                is_override=override,
                attended=attendance is not None,
            )
        )
    return CourseProgress(
        course_id=course.id,
        modules=tuple(modules),
        hours_credited=round(hours, 2),
        hours_total=float(course.hours),
        active_seconds=sum(int(v) for v in facts["active"].values()),
        last_activity_at=facts["last_activity"],
        next_step=_next_step(course, modules, facts),
        waiting=tuple(waiting),
    )


def _next_step(
    course: Any, modules: list[ModuleProgress], facts: dict[str, Any]
) -> dict[str, str] | None:
    """The first thing left to do in the first module that is open."""
    for module, progress in zip(course.modules, modules, strict=True):
        if module.kind == "refresher" or progress.status in ("complete", "locked"):
            continue
        for lesson in module.lessons:
            if lesson.id not in facts["completed"]:
                return {"kind": "lesson", "module_id": module.id, "lesson_id": lesson.id}
        if module.quiz is not None and not progress.quiz_passed:
            return {"kind": "quiz", "module_id": module.id, "quiz_id": module.quiz.id}
        if module.assignment is not None and progress.assignment_state in (
            "none",
            "draft",
            "needs_revision",
        ):
            return {
                "kind": "assignment",
                "module_id": module.id,
                "assignment_id": module.assignment.id,
            }
    return None


def course_progress(user_id: int, course: Any) -> CourseProgress:
    """The contract other features use (certification, dashboards)."""
    return compute(user_id, course)


def store_summary(user_id: int, progress: CourseProgress) -> tuple[float | None, float]:
    """Write the summaries the cohort view reads; returns (previously published hours, hours)."""
    summary = db.session.scalar(
        select(CourseSummary).where(
            CourseSummary.user_id == user_id, CourseSummary.course_id == progress.course_id
        )
    )
    if summary is None:
        summary = CourseSummary(user_id=user_id, course_id=progress.course_id)
        db.session.add(summary)
    summary.hours_credited = progress.hours_credited
    summary.active_seconds = progress.active_seconds
    summary.modules_complete = sum(1 for m in progress.modules if m.status == "complete")
    summary.last_activity_at = progress.last_activity_at
    existing = {
        row.module_id: row
        for row in db.session.scalars(
            select(ModuleSummary).where(
                ModuleSummary.user_id == user_id, ModuleSummary.course_id == progress.course_id
            )
        )
    }
    for module in progress.modules:
        row = existing.get(module.module_id)
        if row is None:
            row = ModuleSummary(
                user_id=user_id, course_id=progress.course_id, module_id=module.module_id
            )
            db.session.add(row)
        row.status = module.status
        row.lessons_done = module.lessons_done
        row.lessons_total = module.lessons_total
        row.quiz_best = module.quiz_best
        row.quiz_passed = module.quiz_passed
        row.assignment_state = module.assignment_state
        row.active_seconds = module.active_seconds
        row.hours_credited = module.hours_credited
        row.is_override = module.is_override
    db.session.flush()
    return summary.published_hours, progress.hours_credited


def on_progress_event(user_id: int, course_id: str) -> CourseProgress:
    """Recompute, publish to Moodle, and issue the certificate if now earned (one transaction)."""
    from lms_plugin.courses.content import get_course
    from lms_plugin.progress.publishing import publish_progress

    course = get_course(course_id)
    progress = compute(user_id, course)
    store_summary(user_id, progress)
    publish_progress(user_id, course, progress)
    events.publish(events.ProgressRecomputed(user_id, course_id))  # certification subscribes
    return progress


def _audit(
    actor: User,
    user_id: int,
    course_id: str,
    module_id: str,
    action: str,
    reason: str,
    before: dict[str, object],
    after: dict[str, object],
) -> None:
    db.session.add(
        ProgressAudit(
            actor_id=actor.id,
            user_id=user_id,
            course_id=course_id,
            module_id=module_id,
            action=action,
            reason=reason,
            before=before,
            after=after,
        )
    )


def _check_reason(reason: str) -> str:
    reason = reason.strip()
    if len(reason) < 3:
        raise DomainError(_("Give a reason (it is kept in the audit log)."))
    return reason[:1000]


def mark_module_complete(
    actor: User, user_id: int, course: Any, module_id: str, reason: str
) -> None:
    """A trainer marks a module complete for a trainee; audited with before/after."""
    reason = _check_reason(reason)
    module = course.module(module_id)
    before = compute(user_id, course).module(module_id)
    if db.session.scalar(
        select(ModuleOverride).where(
            ModuleOverride.user_id == user_id,
            ModuleOverride.course_id == course.id,
            ModuleOverride.module_id == module.id,
        )
    ):
        raise DomainError(_("This module is already marked complete by a trainer."))
    db.session.add(
        ModuleOverride(
            user_id=user_id, course_id=course.id, module_id=module.id, by_id=actor.id, reason=reason
        )
    )
    _audit(
        actor,
        user_id,
        course.id,
        module.id,
        "mark_complete",
        reason,
        {"status": before.status if before else None},
        {"status": "complete"},
    )
    db.session.flush()
    on_progress_event(user_id, course.id)


def record_attendance(
    actor: User,
    user_id: int,
    course: Any,
    module_id: str,
    hours: float,
    session_date: date,
    reason: str,
) -> None:
    """A trainer records attendance at a module's live workshop; audited with before/after."""
    reason = _check_reason(reason)
    module = course.module(module_id)
    if float(module.face_to_face_hours) <= 0:
        raise DomainError(_("This module has no face-to-face workshop."))
    if not 0 < hours <= float(module.face_to_face_hours):
        raise DomainError(_("Hours must be more than 0 and at most the workshop's length."))
    row = db.session.scalar(
        select(Attendance).where(
            Attendance.user_id == user_id,
            Attendance.course_id == course.id,
            Attendance.module_id == module.id,
        )
    )
    before: dict[str, object] = (
        {"hours": row.hours, "date": row.session_date.isoformat()} if row else {}
    )
    if row is None:
        row = Attendance(
            user_id=user_id,
            course_id=course.id,
            module_id=module.id,
            hours=hours,
            session_date=session_date,
        )
        db.session.add(row)
    row.hours = hours
    row.session_date = session_date
    row.recorded_by_id = actor.id
    row.reason = reason
    row.recorded_at = utcnow()
    _audit(
        actor,
        user_id,
        course.id,
        module.id,
        "attendance",
        reason,
        before,
        {"hours": hours, "date": session_date.isoformat()},
    )
    db.session.flush()
    on_progress_event(user_id, course.id)


def audit_log(user_ids: list[int], course_id: str, limit: int = 200) -> list[ProgressAudit]:
    """The latest audited changes for these trainees."""
    return list(
        db.session.scalars(
            select(ProgressAudit)
            .where(ProgressAudit.user_id.in_(user_ids), ProgressAudit.course_id == course_id)
            .order_by(ProgressAudit.created_at.desc())
            .limit(limit)
        )
    )


def modules_by_status(rows: list[ModuleSummary]) -> dict[int, dict[str, ModuleSummary]]:
    """Index module summaries by user and module."""
    index: dict[int, dict[str, ModuleSummary]] = defaultdict(dict)
    for row in rows:
        index[row.user_id][row.module_id] = row
    return index
