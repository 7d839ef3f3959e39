"""Who may see or mark a submission: 404 for everyone else, so existence never leaks."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import exists, select
from sqlalchemy.orm import aliased

from lms_plugin import providers
from lms_plugin.accounts.current import CurrentLaunch
from lms_plugin.accounts.models import Membership, Role
from lms_plugin.db import db
from lms_plugin.errors import NotFound
from lms_plugin.grading.models import DRAFT, Submission

TRAINER = Role.TRAINER.value
TRAINEE = Role.TRAINEE.value


def teaches(trainer_id: int, trainee_id: int) -> bool:
    """True when the trainer teaches a context the trainee is a member of (one query)."""
    mine = aliased(Membership)
    theirs = aliased(Membership)
    query = select(
        exists().where(
            mine.user_id == trainer_id,
            mine.role == TRAINER,
            mine.is_active.is_(True),
            theirs.context_pk == mine.context_pk,
            theirs.user_id == trainee_id,
        )
    )
    return bool(db.session.scalar(query))


def is_trainer_of(user_id: int, context_pk: int) -> bool:
    """True when the user is an active trainer member of the context."""
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    Membership.user_id == user_id,
                    Membership.context_pk == context_pk,
                    Membership.role == TRAINER,
                    Membership.is_active.is_(True),
                )
            )
        )
    )


def may_view(launch: CurrentLaunch, submission: Submission) -> bool:
    """The trainee themself (drafts too); their trainers and coordinators (never drafts)."""
    if submission.user_id == launch.user.id:
        return True
    if submission.state == DRAFT:
        return False
    if (launch.role == Role.ADMIN or launch.is_coordinator) and _reads(launch, submission):
        return True
    return launch.is_trainer and teaches(launch.user.id, submission.user_id)


def _reads(launch: CurrentLaunch, submission: Submission) -> bool:
    """Administrators read their tenant's submissions, coordinators those in their scope."""
    return providers.may_read_person(launch, submission.user_id)


def may_mark(launch: CurrentLaunch, submission: Submission) -> bool:
    """Trainers of the trainee (admins too) mark submitted work; nobody marks their own."""
    if submission.state == DRAFT or submission.user_id == launch.user.id:
        return False
    if launch.role == Role.ADMIN and _reads(launch, submission):
        return True
    return launch.is_trainer and teaches(launch.user.id, submission.user_id)


def viewable_submission(launch: CurrentLaunch, submission_id: int) -> Submission:
    """The submission if this viewer may see it, else NotFound (as if it did not exist)."""
    submission = db.session.get(Submission, submission_id)
    if submission is None or not may_view(launch, submission):
        raise NotFound(_("There is no such submission."))
    return submission


def markable_submission(launch: CurrentLaunch, submission_id: int) -> Submission:
    """The submission if this viewer may mark it, else NotFound."""
    submission = db.session.get(Submission, submission_id)
    if submission is None or not may_mark(launch, submission):
        raise NotFound(_("There is no such submission."))
    return submission
