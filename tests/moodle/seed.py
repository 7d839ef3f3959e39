"""Seeding run INSIDE the tool's process environment (`Tool.python`), against the tool's own
database, through the features' services — only to shorten long learner paths; grading
decisions and releases the tests check go through the trainer's pages in the browser."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from lms_plugin.accounts.models import Membership, User
from lms_plugin.courses.content import get_course
from lms_plugin.db import db

COURSE = "mentor-30h"


def _user(sub: str) -> User:
    user = db.session.scalar(select(User).where(User.sub == sub))
    assert user is not None, f"the Moodle user {sub} has not launched the tool"
    return user


def _context_pk(user: User) -> int:
    pk = db.session.scalar(select(Membership.context_pk).where(Membership.user_id == user.id))
    assert pk is not None
    return int(pk)


def _answers(quiz: Any, correct: bool) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for q in quiz.questions:
        if q.type in ("single", "multiple"):
            right = [o.id for o in q.options if o.correct]
            wrong = [o.id for o in q.options if not o.correct][:1]
            answers[q.id] = right if correct else wrong
        elif q.type == "truefalse":
            answers[q.id] = q.answer if correct else not q.answer
        else:
            n = len(q.pairs)
            answers[q.id] = {str(i): (i if correct else (i + 1) % n) for i in range(n)}
    return answers


def lesson_time(sub: str, module_id: str) -> None:
    """The module's lessons each with their minimum active time on record (as heartbeats of
    that many minutes of reading would leave it), so "Mark as complete" is enabled."""
    from tests.time_helpers import credit_lesson_time

    course = get_course(COURSE)
    user = _user(sub)
    module = course.module(module_id)
    assert module is not None
    for lesson in module.lessons:
        credit_lesson_time(user.id, course, lesson)
    db.session.commit()


def quiz_attempt(sub: str, module_id: str, correct: bool) -> None:
    """One knowledge-check attempt (all right or all wrong); the tool sends its score."""
    from lms_plugin.courses.quizzes import submit_attempt

    course = get_course(COURSE)
    user = _user(sub)
    module = course.module(module_id)
    assert module is not None and module.quiz is not None
    submit_attempt(user.id, course, module.quiz, _answers(module.quiz, correct), _context_pk(user))
    db.session.commit()


def ready_submission(sub: str, trainer_sub: str, before_module: str, assignment_module: str) -> int:
    """The trainee finished `before_module` (lessons, quiz) and handed in the assignment of
    `assignment_module`; the trainer marked it with the best rubric levels, READY (not released).
    Returns the submission id."""
    from lms_plugin.courses.quizzes import quiz_state, submit_attempt
    from lms_plugin.grading import services as grading
    from lms_plugin.grading.workflow import Marking, save_grade
    from tests.time_helpers import complete_with_time

    course = get_course(COURSE)
    user = _user(sub)
    trainer = _user(trainer_sub)
    pk = _context_pk(user)
    first = course.module(before_module)
    module = course.module(assignment_module)
    assert first is not None and module is not None
    for lesson in first.lessons:
        complete_with_time(user.id, course, lesson, pk)  # with the lesson's minimum time
    if first.quiz is not None and not quiz_state(user.id, course, first.quiz).passed:
        submit_attempt(user.id, course, first.quiz, _answers(first.quiz, True), pk)
    assignment = module.assignment
    assert assignment is not None
    located = grading.find_assignment(assignment.id)
    draft = grading.open_draft(user, pk, located)
    grading.save_text(draft, located, "Kész a feladat: a tervet a szempontok szerint írtam meg.")
    submitted = grading.submit(draft, located, pk)
    best: dict[str, int | None] = {}
    for criterion in assignment.rubric:
        points = [level.points for level in criterion.levels]
        best[criterion.id] = points.index(max(points))
    save_grade(
        trainer,
        submitted,
        assignment,
        Marking(version=0, levels=best, feedback=f"Megfelelt ({sub}).", outcome="pass"),
        mark_ready=True,
    )
    db.session.commit()
    return int(submitted.id)
