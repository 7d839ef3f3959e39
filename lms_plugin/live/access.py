"""Who may see or run a scheduled date: 404 for everyone else, so existence never leaks."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from lms_plugin.accounts.current import CurrentLaunch
from lms_plugin.accounts.models import Membership, Role
from lms_plugin.db import db
from lms_plugin.errors import DomainError, NotFound
from lms_plugin.live.models import LiveOccurrence


def launch_context(launch: CurrentLaunch) -> int:
    """The Moodle course of the launch; live sessions always belong to one."""
    if launch.context_pk is None:
        raise DomainError(
            _("Open the tool from your Moodle course to see its live sessions."), status_code=400
        )
    return launch.context_pk


def teaches_context(launch: CurrentLaunch, context_pk: int) -> bool:
    """An administrator, or an active trainer member of this Moodle course."""
    if launch.role == Role.ADMIN:
        return True
    if launch.role != Role.TRAINER:
        return False
    return (
        db.session.scalar(
            select(Membership.id).where(
                Membership.context_pk == context_pk,
                Membership.user_id == launch.user.id,
                Membership.role == Role.TRAINER.value,
                Membership.is_active.is_(True),
            )
        )
        is not None
    )


def trainer_occurrence(launch: CurrentLaunch, occurrence_id: int) -> LiveOccurrence:
    """A date of the launch's course that this trainer runs, else NotFound."""
    occurrence = db.session.get(LiveOccurrence, occurrence_id)
    if (
        occurrence is None
        or occurrence.context_pk is None
        or occurrence.context_pk != launch.context_pk
        or not teaches_context(launch, occurrence.context_pk)
    ):
        raise NotFound(_("There is no such date."))
    return occurrence


def trainee_occurrence(launch: CurrentLaunch, occurrence_id: int) -> LiveOccurrence:
    """A scheduled date of the trainee's Moodle course, else NotFound."""
    occurrence = db.session.get(LiveOccurrence, occurrence_id)
    if (
        occurrence is None
        or occurrence.is_legacy
        or occurrence.context_pk is None
        or occurrence.context_pk != launch.context_pk
    ):
        raise NotFound(_("There is no such date."))
    return occurrence
