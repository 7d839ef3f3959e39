"""The mentor behind a request: their profile, the schools they serve and their linked helpers."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from lms_plugin.accounts.models import User
from lms_plugin.coordination.mentors.services import ENDED, mentor_for_user
from lms_plugin.coordination.models import HelperLink, MentorProfile, PeerHelper, Placement, School
from lms_plugin.db import db
from lms_plugin.errors import Forbidden


@dataclass(frozen=True)
class MentorDesk:
    """What a mentor's forms offer: their schools and their helpers (minimal records)."""

    profile: MentorProfile
    schools: list[School]
    helpers: list[PeerHelper]

    @property
    def school_ids(self) -> list[int]:
        return [s.id for s in self.schools]

    def school(self, school_id: int | None) -> School | None:
        return next((s for s in self.schools if s.id == school_id), None)


def desk_of(user: User) -> MentorDesk | None:
    """The mentor's desk, or None when the user has no mentor profile."""
    profile = mentor_for_user(user.id)
    if profile is None:
        return None
    schools = list(
        db.session.scalars(
            select(School)
            .join(Placement, Placement.school_id == School.id)
            .where(Placement.mentor_id == profile.id, Placement.status != ENDED)
            .order_by(School.name)
        )
    )
    if not schools and profile.home_school is not None:
        schools = [profile.home_school]
    helpers = list(
        db.session.scalars(
            select(PeerHelper)
            .join(HelperLink, HelperLink.helper_id == PeerHelper.id)
            .where(HelperLink.mentor_id == profile.id, HelperLink.status == "published")
            .order_by(PeerHelper.display_name)
        )
    )
    return MentorDesk(profile, schools, helpers)


def require_desk(user: User) -> MentorDesk:
    """The desk of a mentor with at least one school, else Forbidden with the reason."""
    desk = desk_of(user)
    if desk is None or not desk.schools:
        raise Forbidden(
            _("The logbook is for mentors placed at a school. Ask the programme coordinator.")
        )
    return desk
