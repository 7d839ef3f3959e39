"""Knowledge checks: scoring answers, attempt limits, storing attempts. The best attempt counts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from lms_plugin.accounts.models import User
from lms_plugin.courses.content import Course, Question, Quiz
from lms_plugin.courses.models import QuizAttempt
from lms_plugin.courses.quiz_layout import layout_quiz as layout_quiz
from lms_plugin.courses.quiz_layout import open_layout
from lms_plugin.courses.services import ensure_enrolment, notify_progress
from lms_plugin.db import db, utcnow
from lms_plugin.errors import Conflict, Forbidden
from lms_plugin.locking import lock_row


def score_question(question: Question, answer: Any) -> dict[str, Any]:
    """Whether one answer is fully correct, with what the result page needs to explain it."""
    if question.type in ("single", "multiple"):
        chosen = sorted(str(a) for a in (answer or []))
        right = sorted(o.id for o in question.options if o.correct)
        missed = len(set(right) - set(chosen))
        return {"correct": chosen == right, "selected": chosen, "missed": missed}
    if question.type == "truefalse":
        return {"correct": answer is question.answer, "selected": answer}
    if question.type == "matching":
        given = answer if isinstance(answer, dict) else {}
        pairs = [given.get(str(i)) == i for i in range(len(question.pairs))]
        return {"correct": bool(pairs) and all(pairs), "pairs": pairs}
    return {"correct": False}


def score_quiz(quiz: Quiz, answers: dict[str, Any]) -> tuple[int, bool, dict[str, Any]]:
    """(percent of questions fully correct, passed, per-question results)."""
    results = {q.id: score_question(q, answers.get(q.id)) for q in quiz.questions}
    correct = sum(1 for r in results.values() if r["correct"])
    percent = round(100 * correct / len(quiz.questions)) if quiz.questions else 0
    return percent, percent >= quiz.pass_mark, results


@dataclass(frozen=True)
class QuizState:
    """Where a trainee stands with a knowledge check."""

    attempts_used: int
    attempts_left: int | None  # None = unlimited
    best: QuizAttempt | None
    last: QuizAttempt | None

    @property
    def passed(self) -> bool:
        return self.best is not None and self.best.passed

    @property
    def can_attempt(self) -> bool:
        return self.attempts_left is None or self.attempts_left > 0


def attempts_of(user_id: int, course_id: str, quiz_id: str) -> list[QuizAttempt]:
    """The trainee's attempts, first to last (one query)."""
    return list(
        db.session.scalars(
            select(QuizAttempt)
            .where(
                QuizAttempt.user_id == user_id,
                QuizAttempt.course_id == course_id,
                QuizAttempt.quiz_id == quiz_id,
            )
            .order_by(QuizAttempt.attempt_no)
        )
    )


def quiz_state(user_id: int, course: Course, quiz: Quiz) -> QuizState:
    """Attempts used and left, the best attempt and the last one."""
    attempts = attempts_of(user_id, course.id, quiz.id)
    best = max(attempts, key=lambda a: (a.score_percent, -a.attempt_no), default=None)
    left = None if quiz.attempts == 0 else max(quiz.attempts - len(attempts), 0)
    return QuizState(len(attempts), left, best, attempts[-1] if attempts else None)


def attempt_layout(user_id: int, course: Course, quiz: Quiz) -> Quiz:
    """The quiz as the trainee's next attempt shows it (stored on first sight; flush)."""
    state = quiz_state(user_id, course, quiz)
    if not state.can_attempt:
        return quiz
    return open_layout(user_id, course, quiz, state.attempts_used + 1)


def submit_attempt(
    user_id: int, course: Course, quiz: Quiz, answers: dict[str, Any], context_pk: int | None
) -> QuizAttempt:
    """Score and store an attempt; refuses when no attempt is left.

    Two submissions at once (two tabs, a double-click) are numbered one after the other under
    the user's row lock, so both answers are kept while attempts are left.
    """
    lock_row(User, user_id)
    state = quiz_state(user_id, course, quiz)
    if not state.can_attempt:
        raise Forbidden(
            _("You have used all %(n)d attempts of this knowledge check.", n=quiz.attempts)
        )
    ensure_enrolment(user_id, course, context_pk)
    percent, passed, results = score_quiz(quiz, answers)
    attempt = QuizAttempt(
        user_id=user_id,
        course_id=course.id,
        quiz_id=quiz.id,
        module_id=quiz.module_id,
        attempt_no=state.attempts_used + 1,
        answers=answers,
        score_percent=percent,
        passed=passed,
        results=results,
        submitted_at=utcnow(),
    )
    try:
        with db.session.begin_nested():
            db.session.add(attempt)
    except IntegrityError as exc:
        raise Conflict(
            _("This attempt was already sent (perhaps from another tab). Open the results below.")
        ) from exc
    # Every attempt may change the best score, which Moodle's column shows at once.
    notify_progress(user_id, course.id)
    return attempt


def get_attempt(user_id: int, course_id: str, quiz_id: str, attempt_no: int) -> QuizAttempt | None:
    """One of the trainee's own attempts."""
    return db.session.scalar(
        select(QuizAttempt).where(
            QuizAttempt.user_id == user_id,
            QuizAttempt.course_id == course_id,
            QuizAttempt.quiz_id == quiz_id,
            QuizAttempt.attempt_no == attempt_no,
        )
    )
