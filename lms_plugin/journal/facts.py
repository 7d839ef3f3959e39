"""Facts the practicum journal publishes for the credit calculation: each journal's state."""

from __future__ import annotations

from sqlalchemy import select

from lms_plugin.courses.content import get_course
from lms_plugin.db import db
from lms_plugin.errors import NotFound
from lms_plugin.grading.models import DRAFT
from lms_plugin.grading.services import states_for
from lms_plugin.journal.models import JournalEntry


def journal_states(user_id: int, course_id: str) -> dict[str, str]:
    """module_id -> "none" | "draft" | "submitted" | "needs_revision" | "passed" | "failed".

    Only modules with a journal appear. The state is the latest submission's (an outcome only
    after the grade is released, as for assignments); before any submission it is "draft" once
    the trainee wrote an entry, else "none". Two queries.
    """
    try:
        course = get_course(course_id)
    except NotFound:
        return {}
    journals = {
        module.id: module.journal.id for module in course.modules if module.journal is not None
    }
    if not journals:
        return {}
    latest = states_for(user_id, list(journals.values()))
    written = set(
        db.session.scalars(
            select(JournalEntry.journal_id)
            .where(
                JournalEntry.user_id == user_id,
                JournalEntry.course_id == course_id,
                JournalEntry.journal_id.in_(list(journals.values())),
            )
            .distinct()
        )
    )
    states: dict[str, str] = {}
    for module_id, journal_id in journals.items():
        submission = latest.get(journal_id)
        if submission is not None and submission.state != DRAFT:
            states[module_id] = str(submission.state)
        elif submission is not None or journal_id in written:
            states[module_id] = DRAFT
        else:
            states[module_id] = "none"
    return states
