"""Trainee side of assignments: the state contract, drafts, files, submitting (attempts kept)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select

from lms_plugin import events, request_cache
from lms_plugin.accounts.models import User
from lms_plugin.courses.content import Assignment, Course, Module, all_courses
from lms_plugin.db import db, utcnow
from lms_plugin.errors import DomainError, NotFound
from lms_plugin.grading import files as filestore
from lms_plugin.grading import wordcount
from lms_plugin.grading.models import (
    DRAFT,
    FAILED,
    NEEDS_REVISION,
    PASSED,
    SUBMITTED,
    Submission,
    SubmissionFile,
)
from lms_plugin.locking import lock_row

log = logging.getLogger("lms_plugin.grading")
MAX_TEXT = 100_000  # characters of online text; a 1,200-word essay is about 8,000


def assignment_state(user_id: int, assignment_id: str) -> str:
    """ "none" | "draft" | "submitted" | "needs_revision" | "passed" | "failed" (latest attempt).

    Outcomes appear only after release: a grade in progress or ready still reads "submitted".
    One query on the (user_id, assignment_id, attempt) unique index; on a GET, one query for all
    of the user's assignments (a page asks once per module).
    """
    if request_cache.read_only_request():
        states = request_cache.once(("assignment_states", user_id), lambda: _states(user_id))
        return states.get(assignment_id, "none")
    state = db.session.scalar(
        select(Submission.state)
        .where(Submission.user_id == user_id, Submission.assignment_id == assignment_id)
        .order_by(Submission.attempt.desc())
        .limit(1)
    )
    return str(state) if state else "none"


def _states(user_id: int) -> dict[str, str]:
    """The state of the latest attempt of each of the user's assignments."""
    rows = db.session.execute(
        select(Submission.assignment_id, Submission.state)
        .where(Submission.user_id == user_id)
        .order_by(Submission.assignment_id, Submission.attempt)
    ).all()
    return {str(assignment_id): str(state) for assignment_id, state in rows if state}


@dataclass(frozen=True)
class Located:
    """An assignment with the course and module it belongs to."""

    course: Course
    module: Module
    assignment: Assignment


def find_assignment(assignment_id: str) -> Located:
    """The assignment with this id in any installed course; NotFound otherwise."""
    for course in all_courses():
        for module in course.modules:
            if module.assignment is not None and module.assignment.id == assignment_id:
                return Located(course, module, module.assignment)
            # A practicum journal is marked as an assignment (kind "journal", same id).
            if module.journal is not None and module.journal.id == assignment_id:
                return Located(course, module, module.journal.assignment)
    raise NotFound(_("There is no assignment %(id)s.", id=assignment_id))


def attempts(user_id: int, assignment_id: str) -> list[Submission]:
    """Every attempt of a trainee, oldest first (files and grade loaded by the caller as needed)."""
    return list(
        db.session.scalars(
            select(Submission)
            .where(Submission.user_id == user_id, Submission.assignment_id == assignment_id)
            .order_by(Submission.attempt)
        )
    )


def states_for(user_id: int, assignment_ids: list[str]) -> dict[str, Submission]:
    """The latest attempt per assignment for a trainee's list page (one query)."""
    latest = (
        select(Submission.assignment_id, func.max(Submission.attempt).label("attempt"))
        .where(Submission.user_id == user_id, Submission.assignment_id.in_(assignment_ids))
        .group_by(Submission.assignment_id)
        .subquery()
    )
    rows = db.session.scalars(
        select(Submission)
        .join(
            latest,
            (Submission.assignment_id == latest.c.assignment_id)
            & (Submission.attempt == latest.c.attempt),
        )
        .where(Submission.user_id == user_id)
    )
    return {row.assignment_id: row for row in rows}


def can_start_new_attempt(history: list[Submission], assignment: Assignment) -> bool:
    """A first attempt, or a resubmission after a released "needs revision" with attempts left."""
    if not history:
        return True
    last = history[-1]
    return last.state == NEEDS_REVISION and (
        assignment.max_attempts <= 0 or last.attempt < assignment.max_attempts
    )


def open_draft(user: User, context_pk: int | None, located: Located) -> Submission:
    """The trainee's draft, created as the next attempt when allowed; older attempts stay."""
    assignment = located.assignment
    history = attempts(user.id, assignment.id)
    if history and history[-1].state == DRAFT:
        return history[-1]
    if context_pk is None:
        raise DomainError(_("Open this assignment from your Moodle course to work on it."))
    # Two first requests at once (a double-click, several uploads) must open one attempt, not
    # collide on (user, assignment, attempt): hold the user's row, then look again.
    lock_row(User, user.id)
    history = attempts(user.id, assignment.id)
    if history and history[-1].state == DRAFT:
        return history[-1]
    if context_pk is None:
        raise DomainError(_("Open this assignment from your Moodle course to work on it."))
    if not can_start_new_attempt(history, assignment):
        raise DomainError(_why_closed(history, assignment), status_code=409)
    previous = history[-1] if history else None
    draft = Submission(
        user_id=user.id,
        context_pk=context_pk,
        course_id=located.course.id,
        module_id=located.module.id,
        assignment_id=assignment.id,
        attempt=(previous.attempt + 1) if previous else 1,
        state=DRAFT,
        text=previous.text if previous else "",
    )
    if previous is not None:
        # A resubmission starts from the last attempt; the stored file is shared, never copied.
        for old in previous.files:
            draft.files.append(
                SubmissionFile(
                    stored_name=old.stored_name,
                    original_name=old.original_name,
                    kind=old.kind,
                    mimetype=old.mimetype,
                    size=old.size,
                    sha256=old.sha256,
                )
            )
    db.session.add(draft)
    db.session.flush()
    # The latest attempt is now a draft: "needs revision" is no longer waiting for the trainee,
    # and a module completed by a submission may be open again (progress recomputes).
    notify_progress(draft.user_id, draft.course_id)
    return draft


def _why_closed(history: list[Submission], assignment: Assignment) -> str:
    last = history[-1]
    if last.state == SUBMITTED:
        return _(
            "Your work has been submitted and is waiting for grading; it cannot be changed now."
        )
    if last.state == PASSED:
        return _("You have passed this assignment.")
    if last.state == FAILED:
        return _("This assignment has been graded as not passed; no further attempts are allowed.")
    return _("You have used all %(n)d attempts for this assignment.", n=assignment.max_attempts)


def save_text(draft: Submission, located: Located, text: str) -> Submission:
    """Keep the online text of a draft."""
    _require_draft(draft)
    if "text" not in located.assignment.submission_types and text.strip():
        raise DomainError(_("This assignment takes files only, not online text."), status_code=422)
    text = text.replace("\x00", "").replace("\r\n", "\n")
    if len(text) > MAX_TEXT:
        raise DomainError(
            _(
                "The text is longer than %(n)d characters; shorten it or upload it as a document.",
                n=MAX_TEXT,
            ),
            status_code=422,
        )
    draft.text = text
    draft.updated_at = utcnow()
    db.session.flush()
    return draft


def add_file(draft: Submission, located: Located, filename: str, data: bytes) -> SubmissionFile:
    """Check an upload (count, size, type by content) and attach it to the draft."""
    _require_draft(draft)
    assignment = located.assignment
    if "file" not in assignment.submission_types:
        raise DomainError(_("This assignment takes online text only, not files."), status_code=422)
    # Eight uploads at once must not store eight files on a 3-file assignment: the count is read
    # under the draft's row lock, so the next upload sees this one.
    lock_row(Submission, draft.id)
    db.session.refresh(draft, ["state"])
    _require_draft(draft)  # another tab may have submitted it meanwhile
    count = db.session.scalar(
        select(func.count())
        .select_from(SubmissionFile)
        .where(SubmissionFile.submission_id == draft.id)
    )
    if (count or 0) >= assignment.max_files:
        raise DomainError(
            _(
                "You can upload at most %(n)d files. Remove one before adding another.",
                n=assignment.max_files,
            ),
            status_code=422,
        )
    checked = filestore.check_upload(
        filename, data, allowed=assignment.file_types, max_mb=assignment.max_file_mb
    )
    stored, digest = filestore.store(checked.data)
    row = SubmissionFile(
        stored_name=stored,
        original_name=checked.original_name,
        kind=checked.kind,
        mimetype=checked.mimetype,
        size=len(checked.data),
        sha256=digest,
    )
    draft.files.append(row)
    draft.updated_at = utcnow()
    try:
        db.session.flush()
    except Exception:
        filestore.discard(stored)  # no row will refer to it
        raise
    return row


def remove_file(draft: Submission, file_id: int) -> str | None:
    """Detach a file from the draft; returns the stored name to delete when no attempt uses it."""
    _require_draft(draft)
    row = next((f for f in draft.files if f.id == file_id), None)
    if row is None:
        raise NotFound(_("This file is not part of your draft."))
    stored = row.stored_name
    draft.files.remove(row)
    db.session.flush()
    still_used = db.session.scalar(
        select(func.count()).select_from(SubmissionFile).where(SubmissionFile.stored_name == stored)
    )
    return None if still_used else stored


def submit(draft: Submission, located: Located, context_pk: int | None) -> Submission:
    """Draft → submitted: frozen from now on; progress is recomputed in the same transaction."""
    _require_draft(draft)
    types = located.assignment.submission_types
    has_text = "text" in types and bool(draft.text.strip())
    has_files = "file" in types and bool(draft.files)
    if not (has_text or has_files):
        raise DomainError(
            _("Write your answer or upload a file before submitting."), status_code=422
        )
    length = wordcount.measure(located.assignment, draft.text if "text" in types else "")
    if length.refused:
        raise DomainError(
            _(
                "Your text has %(words)d words; this assignment allows at most %(max)d. "
                "Shorten it before submitting.",
                words=length.words,
                max=length.max_words,
            ),
            status_code=422,
        )
    if context_pk is not None:
        draft.context_pk = context_pk
    draft.state = SUBMITTED
    draft.submitted_at = utcnow()
    draft.updated_at = draft.submitted_at
    db.session.flush()
    notify_progress(draft.user_id, draft.course_id)
    return draft


def notify_progress(user_id: int, course_id: str) -> None:
    """Publish that a submission or grade changed (progress, then certification, subscribe)."""
    events.publish(events.ProgressChanged(user_id, course_id))


def _require_draft(submission: Submission) -> None:
    if submission.state != DRAFT:
        raise DomainError(
            _("This attempt has been submitted and can no longer be changed."), status_code=409
        )
