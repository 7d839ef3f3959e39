"""The list of placements: paged, searched, sorted; flags those whose certificate runs out soon."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from lms_plugin.accounts.models import User
from lms_plugin.certification.lifecycle import renewal_window_days
from lms_plugin.coordination import certs
from lms_plugin.coordination.mentors.services import ACTIVE, ENDED, RENEWAL_DUE
from lms_plugin.coordination.models import MentorProfile, Placement, School, TrainingCentre
from lms_plugin.db import utcnow
from lms_plugin.listing import ListArgs, Page, Sort, email_domain, matches, order_clauses, paginate

SORTS = {
    "mentor": Sort(User.name, text=True),
    "school": Sort(School.name, text=True),
    "centre": Sort(TrainingCentre.name, text=True),
    "since": Sort(Placement.placed_at),
}
STATUSES = (ACTIVE, RENEWAL_DUE, ENDED, "expiring")


@dataclass(frozen=True)
class PlacementFilter:
    programme_id: int
    status: str = ""  # "" (current) | active | renewal_due | ended | expiring (within the window)
    centre_id: int | None = None
    school_id: int | None = None
    centre_ids: frozenset[int] | None = None  # the viewer's scope


@dataclass(frozen=True)
class PlacementRow:
    placement: Placement
    mentor: str
    email_domain: str
    school: str
    centre: str
    cert: certs.CertInfo | None

    @property
    def expires_soon(self) -> bool:
        """Placed, certificate still valid but inside the renewal window: act before it lapses."""
        return (
            self.placement.status == ACTIVE
            and self.cert is not None
            and (self.cert.lifecycle == "renewal_due")
        )


def placement_page(
    f: PlacementFilter, args: ListArgs, at: datetime | None = None
) -> Page[PlacementRow]:
    """One page of placements with each mentor's certificate (four queries)."""
    at = at or utcnow()
    query = (
        select(
            Placement,
            User.name,
            User.email,
            School.name,
            School.municipality,
            TrainingCentre.name,
            MentorProfile.user_id,
        )
        .join(MentorProfile, MentorProfile.id == Placement.mentor_id)
        .join(User, User.id == MentorProfile.user_id)
        .join(School, School.id == Placement.school_id)
        .join(TrainingCentre, TrainingCentre.id == School.centre_id)
        .where(School.programme_id == f.programme_id)
    )
    if f.centre_ids is not None:
        query = query.where(School.centre_id.in_(f.centre_ids))
    if f.centre_id:
        query = query.where(School.centre_id == f.centre_id)
    if f.school_id:
        query = query.where(School.id == f.school_id)
    if f.status in (ACTIVE, RENEWAL_DUE, ENDED):
        query = query.where(Placement.status == f.status)
    else:
        query = query.where(Placement.status != ENDED)
    if f.status == "expiring":
        due = certs.valid_user_ids(at, expiring_by=at + timedelta(days=renewal_window_days()))
        if due is not None:
            query = query.where(Placement.status == ACTIVE, MentorProfile.user_id.in_(due))
    if args.q:
        query = query.where(matches(args.q, User.name, School.name, School.municipality))
    found = paginate(query.order_by(*order_clauses(SORTS, args, Placement.id)), args)
    info = certs.current_certificates([row[6] for row in found.items], at)
    rows = [
        PlacementRow(
            placement,
            name or "#" + str(user_id),
            email_domain(email),
            f"{school}, {town}",
            centre,
            info.get(user_id),
        )
        for placement, name, email, school, town, centre, user_id in found.items
    ]
    return Page(rows, found.total, found.page, found.per_page)
