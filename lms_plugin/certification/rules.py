"""The certification rules of a course, evaluated for one trainee."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from lms_plugin.db import db


@dataclass(frozen=True)
class RuleStatus:
    """One rule: whether it is met, and what is still open."""

    key: str
    label: str
    met: bool
    detail: str = ""


def _course_progress(user_id: int, course: Any) -> Any:
    from lms_plugin.progress.services import course_progress

    return course_progress(user_id, course)


def _assignment_state(user_id: int, assignment_id: str) -> str:
    try:
        from lms_plugin.grading.services import assignment_state
    except ImportError:
        return "none"
    return str(assignment_state(user_id, assignment_id))


def initial_rules(user_id: int, course: Any) -> list[RuleStatus]:
    """The rules for a first certificate, in the order a trainee works through them."""
    rules = course.certification
    progress = _course_progress(user_id, course)
    by_module = {m.module_id: m for m in progress.modules}
    core = list(course.core_modules)
    report: list[RuleStatus] = []
    if rules.require_all_modules:
        open_modules = [
            m for m in core if by_module.get(m.id) is None or by_module[m.id].status != "complete"
        ]
        report.append(
            RuleStatus(
                "modules",
                _("All modules complete"),
                not open_modules,
                ", ".join(_title(m) for m in open_modules),
            )
        )
    if rules.require_quizzes_passed:
        failing = [
            m
            for m in core
            if m.quiz is not None and not (m.id in by_module and by_module[m.id].quiz_passed)
        ]
        report.append(
            RuleStatus(
                "quizzes",
                _("Every knowledge check passed"),
                not failing,
                ", ".join(_title(m) for m in failing),
            )
        )
    if rules.require_assignments_passed:
        waiting = [
            m
            for m in core
            if m.assignment is not None and _assignment_state(user_id, m.assignment.id) != "passed"
        ]
        report.append(
            RuleStatus(
                "assignments",
                _("Every assignment graded as passed"),
                not waiting,
                ", ".join(_title(m.assignment) for m in waiting if m.assignment is not None),
            )
        )
    hours = float(progress.hours_credited)
    report.append(
        RuleStatus(
            "hours",
            _("At least %(hours)s hours credited", hours=_fmt(rules.min_hours)),
            hours + 1e-9 >= rules.min_hours,
            _("%(done)s of %(total)s hours", done=_fmt(hours), total=_fmt(rules.min_hours)),
        )
    )
    if getattr(course, "evaluation", None) is not None:
        from lms_plugin.evaluation.facts import evaluation_done

        sent = evaluation_done(user_id, course.id)
        report.append(
            RuleStatus(
                "evaluation",
                _("The course evaluation sent (exit self-assessment and survey)"),
                sent,
                "" if sent else _("not sent yet"),
            )
        )
    if rules.min_active_minutes:
        minutes = int(progress.active_seconds) // 60
        report.append(
            RuleStatus(
                "active_time",
                _("At least %(minutes)s minutes of active study", minutes=rules.min_active_minutes),
                minutes >= rules.min_active_minutes,
                _("%(done)s minutes so far", done=minutes),
            )
        )
    return report


def refresher_rules(user_id: int, course: Any, since: datetime) -> list[RuleStatus]:
    """Renewal: the refresher's lessons and knowledge check done after the last certificate."""
    from lms_plugin.courses.models import LessonProgress, QuizAttempt

    module = course.refresher
    if module is None:
        return [
            RuleStatus(
                "refresher",
                _("Refresher module complete"),
                False,
                _("This course has no refresher module."),
            )
        ]
    lesson_ids = {lesson.id for lesson in module.lessons}
    done = set(
        db.session.scalars(
            select(LessonProgress.lesson_id).where(
                LessonProgress.user_id == user_id,
                LessonProgress.course_id == course.id,
                LessonProgress.lesson_id.in_(lesson_ids),
                LessonProgress.completed_at >= since,
            )
        )
    )
    quiz_ok = True
    if module.quiz is not None:
        quiz_ok = (
            db.session.scalar(
                select(QuizAttempt.id)
                .where(
                    QuizAttempt.user_id == user_id,
                    QuizAttempt.course_id == course.id,
                    QuizAttempt.quiz_id == module.quiz.id,
                    QuizAttempt.passed.is_(True),
                    QuizAttempt.submitted_at >= since,
                )
                .limit(1)
            )
            is not None
        )
    missing = len(lesson_ids - done)
    return [
        RuleStatus(
            "refresher",
            _("Refresher module complete: %(title)s", title=_title(module)),
            missing == 0 and quiz_ok,
            _("%(n)s lessons left", n=missing)
            if missing
            else ("" if quiz_ok else _("Knowledge check not passed yet")),
        )
    ]


def _title(item: Any) -> str:
    from flask_babel import get_locale

    from lms_plugin.courses.content import localized

    return str(localized(item.title, str(get_locale() or "hu")))


def _fmt(value: float) -> str:
    return f"{value:g}"
