"""The mentor pool, placements at schools and the certificate gate."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import Select, delete, func, insert, or_, select, update
from sqlalchemy.orm import aliased, joinedload

from lms_plugin.accounts.models import User
from lms_plugin.certification.lifecycle import renewal_window_days
from lms_plugin.coordination import certs
from lms_plugin.coordination.audit import services as audit
from lms_plugin.coordination.models import HelperLink, MentorProfile, PeerHelper, Placement, School
from lms_plugin.coordination.organisation.services import join_fields
from lms_plugin.db import db, utcnow
from lms_plugin.errors import DomainError, NotFound
from lms_plugin.listing import ListArgs, Page, Sort, email_domain, matches, order_clauses, paginate

ACTIVE, RENEWAL_DUE, ENDED = "active", "renewal_due", "ended"
MAX_HELPERS_LIMIT = 50


def get_mentor(mentor_id: int) -> MentorProfile:
    mentor = db.session.get(MentorProfile, mentor_id)
    if mentor is None:
        raise NotFound(_("This mentor does not exist."))
    return mentor


def mentor_for_user(user_id: int) -> MentorProfile | None:
    return db.session.scalar(select(MentorProfile).where(MentorProfile.user_id == user_id))


def sync_mentor_pool(at: datetime | None = None, *, user_id: int | None = None) -> int:
    """Every holder of a valid certificate gets a mentor profile; returns how many were added.

    With `user_id`, only that user (when their certificate changed)."""
    valid_ids = certs.valid_user_ids(at)
    if valid_ids is not None:  # one INSERT … SELECT: nothing is loaded into Python
        if user_id is not None:
            valid_ids = valid_ids.where(valid_ids.selected_columns[0] == user_id)
        certified = valid_ids.subquery()
        missing_ids = (
            select(certified.c.user_id)
            .distinct()
            .where(certified.c.user_id.not_in(select(MentorProfile.user_id)))
        )
        added = db.session.execute(
            insert(MentorProfile)
            .from_select(["user_id"], missing_ids)
            .returning(MentorProfile.user_id)  # psycopg reports rowcount -1 for INSERT … SELECT
        )
        return len(added.all())
    valid = certs.valid_certificates(None if user_id is None else [user_id], at)
    have = set(db.session.scalars(select(MentorProfile.user_id)))
    missing = sorted(set(valid) - have)
    if missing:
        db.session.execute(insert(MentorProfile), [{"user_id": uid} for uid in missing])
    return len(missing)


def ensure_profile(user: User) -> MentorProfile:
    """The user's profile, created when absent (a teacher still in training may have one)."""
    profile = mentor_for_user(user.id)
    if profile is None:
        profile = MentorProfile(user_id=user.id)
        db.session.add(profile)
        db.session.flush()
    return profile


def update_profile(
    mentor: MentorProfile,
    *,
    home_school_id: int | None,
    languages: list[str],
    fields: list[str],
    availability: str,
    min_helpers: int,
    max_helpers: int,
) -> None:
    """Change what the matcher uses; the minimum can never exceed the maximum."""
    if not 0 <= min_helpers <= max_helpers <= MAX_HELPERS_LIMIT:
        raise DomainError(
            _(
                "The minimum must be between 0 and the maximum, the maximum at most %(n)s.",
                n=MAX_HELPERS_LIMIT,
            ),
            status_code=422,
        )
    if home_school_id is not None and db.session.get(School, home_school_id) is None:
        raise NotFound(_("This school does not exist."))
    mentor.home_school_id = home_school_id
    mentor.languages = join_fields([x.lower() for x in languages]) or "hu"
    mentor.vocational_fields = join_fields(fields)
    mentor.availability = availability.strip()[:255]
    mentor.min_helpers = min_helpers
    mentor.max_helpers = max_helpers
    db.session.flush()


def place(mentor: MentorProfile, school: School, by: User) -> Placement:
    """Place a mentor at a school; refused, with the reason, without a valid certificate."""
    reason = certs.refusal_reason(certs.certificate_info(mentor.user_id))
    if reason:
        raise DomainError(reason, status_code=409)
    placement = db.session.scalar(
        select(Placement).where(Placement.mentor_id == mentor.id, Placement.school_id == school.id)
    )
    if placement is not None and placement.status == ACTIVE:
        raise DomainError(_("This mentor is already placed at this school."), status_code=409)
    if placement is None:
        placement = Placement(mentor_id=mentor.id, school_id=school.id)
        db.session.add(placement)
    placement.status = ACTIVE
    placement.placed_at = utcnow()
    placement.placed_by_id = by.id
    placement.flagged_at = None
    placement.ended_at = None
    db.session.flush()
    return placement


def helpers_at(placement: Placement) -> int:
    """How many helpers the placement's mentor has at its school (who would wait if it ends)."""
    return int(
        db.session.scalar(
            select(func.count(HelperLink.id))
            .join(PeerHelper, PeerHelper.id == HelperLink.helper_id)
            .where(
                HelperLink.mentor_id == placement.mentor_id,
                PeerHelper.school_id == placement.school_id,
            )
        )
        or 0
    )


def end_placement(placement: Placement, by: User) -> int:
    """End a placement; the mentor's helpers at that school wait for a new mentor (returns them)."""
    helper_ids = list(
        db.session.scalars(
            select(HelperLink.helper_id)
            .join(PeerHelper, PeerHelper.id == HelperLink.helper_id)
            .where(
                HelperLink.mentor_id == placement.mentor_id,
                PeerHelper.school_id == placement.school_id,
            )
        )
    )
    if helper_ids:
        audit.record_many(by.id, audit.UNLINK, audit.helper_ids(helper_ids))
        db.session.execute(delete(HelperLink).where(HelperLink.helper_id.in_(helper_ids)))
    placement.status = ENDED
    placement.ended_at = utcnow()
    db.session.flush()
    return len(helper_ids)


def refresh_renewal_flags(
    at: datetime | None = None, *, user_id: int | None = None
) -> tuple[int, int]:
    """Flag placements whose mentor's certificate lapsed; clear the flag after renewal.

    Returns (flagged, cleared). Placements are never dropped silently. Two set-based UPDATEs.
    Run where certificates change (`renewal_job`: an issued, renewed or revoked certificate for
    `user_id`; the worker's daily round for time passing), never on a page load.
    """
    at = at or utcnow()
    valid = certs.valid_user_ids(at)
    if valid is None:
        return _refresh_one_by_one(at, user_id)
    lapsed = select(MentorProfile.id).where(MentorProfile.user_id.not_in(valid))
    certified = select(MentorProfile.id).where(MentorProfile.user_id.in_(valid))
    if user_id is not None:
        lapsed = lapsed.where(MentorProfile.user_id == user_id)
        certified = certified.where(MentorProfile.user_id == user_id)
    flagged = db.session.execute(
        update(Placement)
        .where(Placement.status == ACTIVE, Placement.mentor_id.in_(lapsed))
        .values(status=RENEWAL_DUE, flagged_at=at)
        .execution_options(synchronize_session=False)
    )
    cleared = db.session.execute(
        update(Placement)
        .where(Placement.status == RENEWAL_DUE, Placement.mentor_id.in_(certified))
        .values(status=ACTIVE, flagged_at=None)
        .execution_options(synchronize_session=False)
    )
    db.session.expire_all()
    return int(flagged.rowcount or 0), int(cleared.rowcount or 0)  # type: ignore[attr-defined]


def _refresh_one_by_one(at: datetime, user_id: int | None = None) -> tuple[int, int]:
    """The same through the per-user certificate contract (no certification models)."""
    query = (
        select(Placement.id, Placement.status, MentorProfile.user_id)
        .join(MentorProfile, MentorProfile.id == Placement.mentor_id)
        .where(Placement.status.in_((ACTIVE, RENEWAL_DUE)))
    )
    if user_id is not None:
        query = query.where(MentorProfile.user_id == user_id)
    rows = db.session.execute(query).all()
    valid = certs.valid_certificates({r.user_id for r in rows}, at)
    to_flag = [r.id for r in rows if r.status == ACTIVE and r.user_id not in valid]
    to_clear = [r.id for r in rows if r.status == RENEWAL_DUE and r.user_id in valid]
    for ids, values in (
        (to_flag, {"status": RENEWAL_DUE, "flagged_at": at}),
        (to_clear, {"status": ACTIVE, "flagged_at": None}),
    ):
        for start in range(0, len(ids), 500):
            db.session.execute(
                update(Placement).where(Placement.id.in_(ids[start : start + 500])).values(**values)
            )
    return len(to_flag), len(to_clear)


@dataclass(frozen=True)
class MentorRow:
    mentor: MentorProfile
    name: str
    email_domain: str
    home_school: str
    cert: certs.CertInfo | None
    placements: list[Placement]
    linked: int


HomeSchool = aliased(School)
MENTOR_SORTS = {
    "name": Sort(User.name, text=True),
    "school": Sort(HomeSchool.name, text=True),
    "max": Sort(MentorProfile.max_helpers),
}


def pool(
    args: ListArgs,
    *,
    mentor_ids: Select[int] | None = None,
    school_id: int | None = None,
    certified_only: bool = True,
    state: str = "",
) -> Page[MentorRow]:
    """Mentor profiles with their certificate, placements and number of linked helpers.

    By default certified mentors and anyone still placed (a lapsed certificate shows as a
    renewal flag); with `certified_only=False` also teachers in training. Search: name, e-mail
    or home school, accents ignored. Five queries whatever the page size.
    """
    base = (
        select(MentorProfile, User.name, User.email, HomeSchool.name, HomeSchool.municipality)
        .join(User, User.id == MentorProfile.user_id)
        .outerjoin(HomeSchool, HomeSchool.id == MentorProfile.home_school_id)
    )
    if mentor_ids is not None:  # the viewer's scope
        base = base.where(MentorProfile.id.in_(mentor_ids))
    valid_ids = certs.valid_user_ids() if certified_only else None
    if certified_only:
        if valid_ids is None:
            return Page([], 0, 1, args.per_page)
        placed = select(Placement.mentor_id).where(Placement.status != ENDED)
        base = base.where(or_(MentorProfile.user_id.in_(valid_ids), MentorProfile.id.in_(placed)))
    if school_id:
        placed = select(Placement.mentor_id).where(Placement.school_id == school_id)
        base = base.where(
            (MentorProfile.home_school_id == school_id) | MentorProfile.id.in_(placed)
        )
    if state == "renewal_due":  # valid, but inside the renewal window: flag before it lapses
        now = utcnow()
        due = certs.valid_user_ids(now, expiring_by=now + timedelta(days=renewal_window_days()))
        if due is not None:
            base = base.where(MentorProfile.user_id.in_(due))
    elif state == "lapsed":  # placed, but the certificate has lapsed
        base = base.where(
            MentorProfile.id.in_(select(Placement.mentor_id).where(Placement.status == RENEWAL_DUE))
        )
    if args.q:
        base = base.where(matches(args.q, User.name, User.email, HomeSchool.name))
    found = paginate(base.order_by(*order_clauses(MENTOR_SORTS, args, MentorProfile.id)), args)
    ids = [row[0].id for row in found.items]
    placements: dict[int, list[Placement]] = {i: [] for i in ids}
    for p in db.session.scalars(
        select(Placement)
        .options(joinedload(Placement.school))
        .where(Placement.mentor_id.in_(ids), Placement.status != ENDED)
    ):
        placements[p.mentor_id].append(p)
    linked = dict(
        db.session.execute(
            select(HelperLink.mentor_id, func.count(HelperLink.id))
            .where(HelperLink.mentor_id.in_(ids), HelperLink.status == "published")
            .group_by(HelperLink.mentor_id)
        ).all()
    )
    info = certs.current_certificates([row[0].user_id for row in found.items])
    rows = [
        MentorRow(
            m,
            name or "#" + str(m.user_id),
            email_domain(email),
            f"{school}, {town}" if school else "",
            info.get(m.user_id),
            placements[m.id],
            linked.get(m.id, 0),
        )
        for m, name, email, school, town in found.items
    ]
    return Page(rows, found.total, found.page, found.per_page)
