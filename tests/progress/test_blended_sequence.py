"""A blended course's sequence: the next module opens when a module's self-study is done; its
live session and practicum journal follow their own calendar and still count for completion."""

from __future__ import annotations

from flask import Flask

from lms_plugin.accounts.models import Role
from lms_plugin.courses.availability import module_availability
from lms_plugin.courses.content import get_course
from lms_plugin.db import db, utcnow
from lms_plugin.grading.models import SUBMITTED, Submission
from lms_plugin.progress import services
from tests.conftest import Factory
from tests.time_helpers import finish_module


def test_a_module_waiting_for_its_live_session_does_not_hold_the_next_one(
    app_ctx: Flask, make: Factory
) -> None:
    course = get_course("mentor-30h")
    user = make.user(make.context(), Role.TRAINEE)
    with_live = next(
        m for m in course.core_modules if m.live_sessions and m.assignment is None and not m.journal
    )
    order = list(course.core_modules)
    position = order.index(with_live)
    context = make.context()
    for module in order[: position + 1]:
        finish_module(user.id, course, module)
        if module.assignment is not None:  # handed in: what module_completion asks
            db.session.add(
                Submission(
                    user_id=user.id,
                    context_pk=context.id,
                    course_id=course.id,
                    module_id=module.id,
                    assignment_id=module.assignment.id,
                    attempt=1,
                    state=SUBMITTED,
                    submitted_at=utcnow(),
                )
            )
    db.session.flush()
    progress = services.compute(user.id, course)
    mine = progress.module(with_live.id)
    assert mine is not None
    # The session is not attended: the module is not complete and its live hours are not credited…
    assert mine.status != "complete" and mine.hours_by_kind.get("live", 0) == 0
    assert mine.unlocks_next
    # …but the next module is open, and the sequence message would name the self-study only.
    following = order[position + 1]
    assert module_availability(user.id, course, progress)[following.id].open
    two_ahead = order[position + 2]
    assert not module_availability(user.id, course, progress)[two_ahead.id].open
