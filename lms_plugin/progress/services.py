"""Progress: module status, credited hours, and what happens on every progress event."""

from __future__ import annotations

import logging
from collections import defaultdict
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from lms_plugin import events, providers, request_cache
from lms_plugin.accounts.models import User
from lms_plugin.courses.content import CREDIT_KINDS
from lms_plugin.courses.credit_format import course_hours_by_kind
from lms_plugin.courses.time_on_task import legacy_completions, lesson_seconds
from lms_plugin.db import db
from lms_plugin.errors import DomainError
from lms_plugin.journal.facts import journal_states
from lms_plugin.live.facts import attended_hours
from lms_plugin.progress import snapshot
from lms_plugin.progress.credit import lesson_evidence, module_credit
from lms_plugin.progress.models import (
    ActiveTime,
    CourseSummary,
    HeartbeatState,
    ModuleOverride,
    ModuleSummary,
    ProgressAudit,
)
from lms_plugin.progress.standing import CourseProgress, ModuleProgress

log = logging.getLogger("lms_plugin.progress")


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
        "lesson_seconds": lesson_seconds(user_id, course.id),
        "legacy": legacy_completions(user_id, course.id),
        "live": attended_hours(user_id, course.id),
        "journal": journal_states(user_id, course.id),
        "overrides": overrides,
        "last_activity": max(moments) if moments else None,
    }


def _has_certificate(user_id: int, course_id: str) -> bool:
    return providers.has_certificate(user_id, course_id)


def compute(user_id: int, course: Any) -> CourseProgress:
    """Recompute a trainee's progress and hours by kind from the facts (no writes)."""
    facts = _facts(user_id, course)
    modules: list[ModuleProgress] = []
    previous_complete = True
    by_kind = dict.fromkeys(CREDIT_KINDS, 0.0)
    waiting: list[str] = []
    certified: bool | None = None
    for module in course.modules:
        lesson_ids = [lesson.id for lesson in module.lessons]
        lessons = lesson_evidence(course, module, facts)
        quiz_passed = module.quiz is None or module.quiz.id in facts["quiz_passed"]
        quiz_best = facts["quiz_best"].get(module.quiz.id) if module.quiz else None
        a_state = _assignment_state(user_id, module.assignment.id) if module.assignment else "none"
        if module.assignment and a_state in ("submitted", "needs_revision"):
            waiting.append(f"{module.id}:{a_state}")
        active = int(facts["active"].get(module.id, 0))
        override = module.id in facts["overrides"]
        result = module_credit(
            course,
            module,
            facts,
            lessons=lessons,
            quiz_passed=quiz_passed,
            assignment_state=a_state,
            active_ok=active >= int(module.min_active_minutes) * 60,
            override=override,
        )
        started = any(lid in facts["opened"] for lid in lesson_ids) or (
            module.quiz and module.quiz.id in facts["quiz_best"]
        )
        if module.kind == "refresher":
            if certified is None:
                certified = _has_certificate(user_id, course.id)
            unlocked = certified
        else:
            unlocked = previous_complete or not course.sequential
        if result.complete:
            status = "complete"
        elif not unlocked and not started:
            status = "locked"
        else:
            status = "in_progress" if started or lessons.done else "open"
        hours = dict.fromkeys(CREDIT_KINDS, 0.0)
        if module.kind != "refresher":
            hours = {kind: round(value, 2) for kind, value in result.hours.items()}
            for kind, value in hours.items():
                by_kind[kind] += value
            previous_complete = result.unlocks_next
        modules.append(
            ModuleProgress(
                module_id=module.id,
                status=status,
                lessons_done=lessons.done,
                lessons_total=len(lesson_ids),
                quiz_best=quiz_best,
                quiz_passed=bool(module.quiz is not None and quiz_passed),
                assignment_state=a_state,
                hours_credited=round(sum(hours.values()), 2),
                active_seconds=active,
                is_override=override,
                attended=result.live_hours > 0,
                hours_by_kind=hours,
                min_active_seconds=lessons.min_seconds,
                lessons_short=lessons.short,
                lessons_legacy=lessons.legacy,
                live_hours=result.live_hours,
                practicum_state=result.practicum_state,
                unlocks_next=result.unlocks_next,
            )
        )
    return CourseProgress(
        course_id=course.id,
        modules=tuple(modules),
        hours_credited=round(sum(by_kind.values()), 2),
        hours_total=float(course.hours),
        active_seconds=sum(int(v) for v in facts["active"].values()),
        last_activity_at=facts["last_activity"],
        next_step=_next_step(course, modules, facts),
        waiting=tuple(waiting),
        hours_by_kind={kind: round(value, 2) for kind, value in by_kind.items()},
        hours_total_by_kind=course_hours_by_kind(course),
        certified=certified,
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
    """The contract other features use for what a trainee's pages show (module statuses, next
    step, hours). On a GET it is the stored snapshot when current (one statement; see
    `progress.snapshot` for when it is), else computed; either way once per request. Anything
    that writes (certification's rules, overrides) computes from the facts."""
    if not request_cache.read_only_request():
        return compute(user_id, course)
    return request_cache.once(
        request_cache.progress_key(user_id, course.id),
        lambda: _stored_or_computed(user_id, course),
    )


def _stored_or_computed(user_id: int, course: Any) -> CourseProgress:
    kept = snapshot.stored(user_id, course)
    if kept is None:
        return compute(user_id, course)
    if current_app.config.get("PROGRESS_SNAPSHOT_CHECK"):  # on in the test suite
        snapshot.check(kept, compute(user_id, course))
    return kept


def _read_summary_rows(
    user_id: int, course_id: str
) -> tuple[CourseSummary | None, dict[str, ModuleSummary]]:
    summary = db.session.scalar(
        select(CourseSummary).where(
            CourseSummary.user_id == user_id, CourseSummary.course_id == course_id
        )
    )
    modules = {
        row.module_id: row
        for row in db.session.scalars(
            select(ModuleSummary).where(
                ModuleSummary.user_id == user_id, ModuleSummary.course_id == course_id
            )
        )
    }
    return summary, modules


def _summary_rows(
    user_id: int, progress: CourseProgress
) -> tuple[CourseSummary, dict[str, ModuleSummary]]:
    """The trainee's summary rows, the missing ones added. Two requests can add them at once (a
    first lesson opened in two tabs): the loser's insert fails on the unique key inside a
    savepoint and it uses the rows the other one added."""
    course_id = progress.course_id
    summary, modules = _read_summary_rows(user_id, course_id)
    missing = [m.module_id for m in progress.modules if m.module_id not in modules]
    if summary is not None and not missing:
        return summary, modules
    try:
        with db.session.begin_nested():
            if summary is None:
                summary = CourseSummary(user_id=user_id, course_id=course_id)
                db.session.add(summary)
            for module_id in missing:
                modules[module_id] = ModuleSummary(
                    user_id=user_id, course_id=course_id, module_id=module_id
                )
                db.session.add(modules[module_id])
    except IntegrityError:
        found, modules = _read_summary_rows(user_id, course_id)
        if found is None or any(m.module_id not in modules for m in progress.modules):
            raise
        summary = found
    return summary, modules


def store_summary(
    user_id: int, course: Any, progress: CourseProgress
) -> tuple[float | None, float]:
    """Write the summaries the cohort view reads and the snapshot the trainee's pages read;
    returns (previously published hours, hours)."""
    summary, existing = _summary_rows(user_id, progress)
    summary.hours_credited = progress.hours_credited
    summary.active_seconds = progress.active_seconds
    summary.modules_complete = sum(1 for m in progress.modules if m.status == "complete")
    summary.last_activity_at = progress.last_activity_at
    summary.hours_by_kind = dict(progress.hours_by_kind)
    summary.little_time_modules = len(progress.little_active_time)
    snapshot.keep(summary, course, progress)
    for module in progress.modules:
        row = existing[module.module_id]
        row.status = module.status
        row.lessons_done = module.lessons_done
        row.lessons_total = module.lessons_total
        row.quiz_best = module.quiz_best
        row.quiz_passed = module.quiz_passed
        row.assignment_state = module.assignment_state
        row.active_seconds = module.active_seconds
        row.hours_credited = module.hours_credited
        row.is_override = module.is_override
        row.hours_by_kind = dict(module.hours_by_kind)
        row.min_active_seconds = module.min_active_seconds
        row.is_little_time = module.little_active_time
    db.session.flush()
    return summary.published_hours, progress.hours_credited


def on_progress_event(user_id: int, course_id: str) -> CourseProgress:
    """Recompute, publish to Moodle, and issue the certificate if now earned (one transaction)."""
    from lms_plugin.courses.content import get_course
    from lms_plugin.progress.publishing import publish_progress

    course = get_course(course_id)
    progress = refresh_summary(user_id, course)
    publish_progress(user_id, course, progress)
    events.publish(events.ProgressRecomputed(user_id, course_id))  # certification subscribes
    return progress


def refresh_summary(user_id: int, course: Any) -> CourseProgress:
    """Recompute and store the summaries and snapshot, nothing published: for changes that move
    what the trainee's pages show but not the credit (a lesson opened for the first time, a
    certificate issued or revoked). The rest of a GET request reads the new standing."""
    progress = compute(user_id, course)
    store_summary(user_id, course, progress)
    key = request_cache.progress_key(user_id, course.id)
    request_cache.forget(key)
    if request_cache.read_only_request():
        request_cache.remember(key, progress)
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
