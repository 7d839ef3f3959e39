"""Linking helpers to mentors by hand, and the rules every link must keep."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select

from lms_plugin.accounts.models import User
from lms_plugin.coordination import certs
from lms_plugin.coordination.audit import details
from lms_plugin.coordination.audit import services as audit
from lms_plugin.coordination.matching.matcher import (
    ALL_BANNED,
    NO_CAPACITY,
    NO_CERTIFIED_MENTOR,
    NO_MENTOR_PLACED,
)
from lms_plugin.coordination.mentors.services import ACTIVE
from lms_plugin.coordination.models import (
    BannedPair,
    HelperLink,
    MentorProfile,
    PeerHelper,
    Placement,
)
from lms_plugin.db import db, utcnow
from lms_plugin.errors import DomainError
from lms_plugin.locking import lock_row

UNASSIGNED = "unassigned"


def reason_label(code: str) -> str:
    """The sentence shown for an unmatched helper."""
    return {
        NO_MENTOR_PLACED: _("No mentor is placed at this school."),
        NO_CERTIFIED_MENTOR: _("No certified mentor is placed at this school."),
        ALL_BANNED: _("All mentors at this school are banned for this helper."),
        NO_CAPACITY: _("No mentor with free capacity at this school."),
        UNASSIGNED: _("Unassigned by the coordinator."),
    }.get(code, code)


def load(mentor_id: int, *, exclude_helper: int | None = None) -> int:
    """Helpers linked to a mentor, drafts included."""
    query = select(func.count(HelperLink.id)).where(HelperLink.mentor_id == mentor_id)
    if exclude_helper is not None:
        query = query.where(HelperLink.helper_id != exclude_helper)
    return int(db.session.scalar(query) or 0)


def check_link(helper: PeerHelper, mentor: MentorProfile) -> None:
    """Refuse, with the reason, a link that breaks a hard rule."""
    reason = certs.refusal_reason(certs.certificate_info(mentor.user_id))
    if reason:
        raise DomainError(reason, status_code=409)
    placed = db.session.scalar(
        select(Placement.id).where(
            Placement.mentor_id == mentor.id,
            Placement.school_id == helper.school_id,
            Placement.status == ACTIVE,
        )
    )
    if placed is None:
        raise DomainError(_("This mentor is not placed at the helper's school."), status_code=409)
    banned = db.session.scalar(
        select(BannedPair.id).where(
            BannedPair.helper_id == helper.id, BannedPair.mentor_id == mentor.id
        )
    )
    if banned is not None:
        raise DomainError(_("This pair is banned."), status_code=409)
    if load(mentor.id, exclude_helper=helper.id) >= mentor.max_helpers:
        raise DomainError(
            _("This mentor already has the maximum of %(n)s helpers.", n=mentor.max_helpers),
            status_code=409,
        )


def current_link(helper: PeerHelper) -> HelperLink | None:
    return db.session.scalar(select(HelperLink).where(HelperLink.helper_id == helper.id))


def link(helper: PeerHelper, mentor: MentorProfile, by: User) -> HelperLink:
    """Link by hand (published at once); replaces any earlier link of the helper."""
    # Two coordinators linking helpers to the same mentor at once must not both pass the
    # capacity check: it is read under the mentor's row lock.
    lock_row(MentorProfile, mentor.id)
    check_link(helper, mentor)
    found = current_link(helper)
    if found is None:
        found = HelperLink(helper_id=helper.id)
        db.session.add(found)
    found.mentor_id = mentor.id
    found.status = "published"
    found.run_id = None
    found.created_by_id = by.id
    found.published_at = utcnow()
    db.session.flush()
    audit.record(by.id, audit.LINK, helper.id, helper.school_id, details.mentor(mentor.id))
    return found


def unlink(helper: PeerHelper, by: User) -> None:
    """The helper waits for a mentor again."""
    found = current_link(helper)
    if found is None:
        raise DomainError(_("This helper is not linked to a mentor."), status_code=409)
    db.session.delete(found)
    db.session.flush()
    audit.record(by.id, audit.UNLINK, helper.id, helper.school_id, details.mentor(found.mentor_id))


def ban(helper: PeerHelper, mentor: MentorProfile, by: User) -> None:
    """Never link this pair; an existing link between them is removed."""
    exists = db.session.scalar(
        select(BannedPair.id).where(
            BannedPair.helper_id == helper.id, BannedPair.mentor_id == mentor.id
        )
    )
    if exists is None:
        db.session.add(BannedPair(helper_id=helper.id, mentor_id=mentor.id, created_by_id=by.id))
    found = current_link(helper)
    if found is not None and found.mentor_id == mentor.id:
        db.session.delete(found)
    db.session.flush()
    audit.record(by.id, audit.BAN, helper.id, helper.school_id, details.mentor(mentor.id))


@dataclass(frozen=True)
class MentorChoice:
    mentor_id: int
    name: str
    load: int
    max_helpers: int


def mentor_choices(school_id: int) -> list[MentorChoice]:
    """Certified mentors actively placed at a school, with their current load."""
    rows = db.session.execute(
        select(MentorProfile, User.name)
        .join(Placement, Placement.mentor_id == MentorProfile.id)
        .join(User, User.id == MentorProfile.user_id)
        .where(Placement.school_id == school_id, Placement.status == ACTIVE)
        .order_by(User.name)
    ).all()
    valid = certs.valid_certificates([m.user_id for m, _n in rows])
    loads = dict(
        db.session.execute(
            select(HelperLink.mentor_id, func.count(HelperLink.id))
            .where(HelperLink.mentor_id.in_([m.id for m, _n in rows]))
            .group_by(HelperLink.mentor_id)
        ).all()
    )
    return [
        MentorChoice(m.id, name or "#" + str(m.user_id), loads.get(m.id, 0), m.max_helpers)
        for m, name in rows
        if m.user_id in valid
    ]
