"""What the coordinator reviews for one school of a matching run (audited: it shows helpers)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from lms_plugin.accounts.models import User
from lms_plugin.coordination.audit import services as audit
from lms_plugin.coordination.models import (
    HelperLink,
    MatchRun,
    MentorProfile,
    PeerHelper,
    School,
    UnmatchedReason,
)
from lms_plugin.coordination.peer_helpers import linking
from lms_plugin.db import db


@dataclass(frozen=True)
class ReviewLine:
    helper_id: int
    display_name: str
    school_year: int
    field: str
    mentor_id: int | None
    mentor_name: str
    status: str  # draft | published | unmatched
    reason: str


def school_review(run_: MatchRun, school_id: int, by: User) -> list[ReviewLine]:
    """Every helper of the school the run touched: proposals first, then the unmatched ones."""
    lines: list[ReviewLine] = []
    for helper, link, name in db.session.execute(
        select(PeerHelper, HelperLink, User.name)
        .join(HelperLink, HelperLink.helper_id == PeerHelper.id)
        .join(MentorProfile, MentorProfile.id == HelperLink.mentor_id)
        .join(User, User.id == MentorProfile.user_id)
        .where(HelperLink.run_id == run_.id, PeerHelper.school_id == school_id)
        .order_by(PeerHelper.display_name)
    ):
        lines.append(
            ReviewLine(
                helper.id,
                helper.display_name,
                helper.school_year,
                helper.vocational_field,
                link.mentor_id,
                name or "",
                link.status,
                "",
            )
        )
    for helper, reason in db.session.execute(
        select(PeerHelper, UnmatchedReason.reason)
        .join(UnmatchedReason, UnmatchedReason.helper_id == PeerHelper.id)
        .where(UnmatchedReason.run_id == run_.id, PeerHelper.school_id == school_id)
        .order_by(PeerHelper.display_name)
    ):
        lines.append(
            ReviewLine(
                helper.id,
                helper.display_name,
                helper.school_year,
                helper.vocational_field,
                None,
                "",
                "unmatched",
                linking.reason_label(reason),
            )
        )
    if lines:
        audit.record_many(by.id, audit.VIEW, audit.helper_ids([line.helper_id for line in lines]))
    return lines


@dataclass(frozen=True)
class SchoolSummary:
    school_id: int
    name: str
    proposed: int
    unmatched: int


def run_summary(run_: MatchRun) -> list[SchoolSummary]:
    """Per school: how many drafts and unmatched helpers the run has."""
    proposed = dict(
        db.session.execute(
            select(PeerHelper.school_id, func.count(HelperLink.id))
            .join(PeerHelper, PeerHelper.id == HelperLink.helper_id)
            .where(HelperLink.run_id == run_.id)
            .group_by(PeerHelper.school_id)
        ).all()
    )
    unmatched = dict(
        db.session.execute(
            select(PeerHelper.school_id, func.count(UnmatchedReason.id))
            .join(PeerHelper, PeerHelper.id == UnmatchedReason.helper_id)
            .where(UnmatchedReason.run_id == run_.id)
            .group_by(PeerHelper.school_id)
        ).all()
    )
    ids = set(proposed) | set(unmatched)
    names = dict(
        db.session.execute(select(School.id, School.name).where(School.id.in_(ids))).tuples().all()
    )
    return sorted(
        (SchoolSummary(s, names[s], proposed.get(s, 0), unmatched.get(s, 0)) for s in ids),
        key=lambda r: (-r.unmatched, r.name),
    )
