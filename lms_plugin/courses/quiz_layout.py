"""Per-attempt layout of a knowledge check: the questions drawn and the option order.

The layout is fixed (stored) when the attempt's form is first shown, so a reload shows the same
questions in the same order; answers are scored by option id, never by position.
"""

from __future__ import annotations

import dataclasses
import random
import secrets
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from lms_plugin.courses.content import Course, Question, Quiz
from lms_plugin.courses.models import QuizLayout
from lms_plugin.db import db


def _rng(user_id: int, quiz: Quiz, attempt_no: int) -> random.Random:
    """Random per attempt; with QUIZ_SHUFFLE_SEED set (tests) the same inputs give the same."""
    seed = current_app.config.get("QUIZ_SHUFFLE_SEED")
    if seed is None:
        return random.Random(secrets.randbits(64))
    return random.Random(f"{seed}:{user_id}:{quiz.id}:{attempt_no}")


def make_layout(quiz: Quiz, rng: random.Random) -> dict[str, Any]:
    """Draw `quiz.draw` questions (kept in course order) and shuffle each one's options."""
    ids = [q.id for q in quiz.questions]
    if 0 < quiz.draw < len(ids):
        drawn = set(rng.sample(ids, quiz.draw))
        ids = [qid for qid in ids if qid in drawn]
    options: dict[str, list[str]] = {}
    for question in quiz.questions:
        if question.id in ids and question.options:
            order = [o.id for o in question.options]
            if quiz.shuffle:
                rng.shuffle(order)
            options[question.id] = order
    return {"questions": ids, "options": options}


def apply_layout(quiz: Quiz, layout: dict[str, Any] | None) -> Quiz:
    """The quiz as this attempt shows it; ids the content no longer has are dropped, new
    options are appended, so a content change never breaks a stored attempt."""
    if not layout:
        return quiz
    by_id = {q.id: q for q in quiz.questions}
    order = [qid for qid in layout.get("questions") or [] if qid in by_id]
    if not order:
        return quiz
    questions: list[Question] = []
    for qid in order:
        question = by_id[qid]
        wanted = (layout.get("options") or {}).get(qid) or []
        options = {o.id: o for o in question.options}
        ordered = [options[oid] for oid in wanted if oid in options]
        ordered += [o for o in question.options if o not in ordered]
        questions.append(dataclasses.replace(question, options=tuple(ordered)))
    return dataclasses.replace(quiz, questions=tuple(questions))


def stored_layout(user_id: int, course_id: str, quiz_id: str, attempt_no: int) -> Any:
    """The stored layout row of one attempt, or None (attempts from before layouts existed)."""
    return db.session.scalar(
        select(QuizLayout).where(
            QuizLayout.user_id == user_id,
            QuizLayout.course_id == course_id,
            QuizLayout.quiz_id == quiz_id,
            QuizLayout.attempt_no == attempt_no,
        )
    )


def layout_quiz(user_id: int, course: Course, quiz: Quiz, attempt_no: int) -> Quiz:
    """The quiz as attempt `attempt_no` showed it (the full quiz when nothing was stored)."""
    row = stored_layout(user_id, course.id, quiz.id, attempt_no)
    return apply_layout(quiz, row.layout if row is not None else None)


def open_layout(user_id: int, course: Course, quiz: Quiz, attempt_no: int) -> Quiz:
    """The layout of the attempt about to be made: stored on first sight (flush), then reused."""
    row = stored_layout(user_id, course.id, quiz.id, attempt_no)
    if row is None:
        layout = make_layout(quiz, _rng(user_id, quiz, attempt_no))
        row = QuizLayout(
            user_id=user_id,
            course_id=course.id,
            quiz_id=quiz.id,
            attempt_no=attempt_no,
            layout=layout,
        )
        try:
            with db.session.begin_nested():
                db.session.add(row)
        except IntegrityError:  # another tab stored it a moment ago: use theirs
            row = stored_layout(user_id, course.id, quiz.id, attempt_no)
    return apply_layout(quiz, row.layout if row is not None else None)
