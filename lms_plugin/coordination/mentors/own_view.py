"""What a mentor sees of their own placements and helpers."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from lms_plugin.accounts.models import User
from lms_plugin.coordination import certs
from lms_plugin.coordination.audit import services as audit
from lms_plugin.coordination.mentors.services import ENDED, mentor_for_user
from lms_plugin.coordination.models import HelperLink, PeerHelper, Placement, School
from lms_plugin.db import db


@dataclass(frozen=True)
class LinkedHelper:
    display_name: str
    school_year: int
    field: str
    school: str


@dataclass(frozen=True)
class MentorOverview:
    cert: certs.CertInfo | None
    placements: list[tuple[School, str]] = field(default_factory=list)  # school, status
    helpers: list[LinkedHelper] = field(default_factory=list)
    has_profile: bool = False


def mentor_overview(user: User) -> MentorOverview:
    """Placements, published links (display name, year, field only) and the certificate."""
    info = certs.certificate_info(user.id)
    profile = mentor_for_user(user.id)
    if profile is None:
        return MentorOverview(cert=info)
    placements = [
        (school, status)
        for school, status in db.session.execute(
            select(School, Placement.status)
            .join(Placement, Placement.school_id == School.id)
            .where(Placement.mentor_id == profile.id, Placement.status != ENDED)
            .order_by(School.name)
        )
    ]
    rows = db.session.execute(
        select(
            PeerHelper.id,
            PeerHelper.display_name,
            PeerHelper.school_year,
            PeerHelper.vocational_field,
            School.name,
        )
        .join(HelperLink, HelperLink.helper_id == PeerHelper.id)
        .join(School, School.id == PeerHelper.school_id)
        .where(HelperLink.mentor_id == profile.id, HelperLink.status == "published")
        .order_by(School.name, PeerHelper.display_name)
    ).all()
    if rows:
        audit.record_many(user.id, audit.MENTOR_VIEW, audit.helper_ids([r[0] for r in rows]))
    return MentorOverview(
        cert=info,
        placements=placements,
        helpers=[LinkedHelper(r[1], r[2], r[3], r[4]) for r in rows],
        has_profile=True,
    )
