"""Automatic matching from the database: draft proposals, review edits, publishing."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, func, insert, select, update

from lms_plugin.accounts.models import User
from lms_plugin.coordination import certs
from lms_plugin.coordination.audit import services as audit
from lms_plugin.coordination.matching.matcher import HelperIn, MentorIn, Problem, solve
from lms_plugin.coordination.mentors.services import ENDED, refresh_renewal_flags
from lms_plugin.coordination.models import (
    BannedPair,
    HelperLink,
    MatchRun,
    MentorProfile,
    PeerHelper,
    Placement,
    Programme,
    School,
    UnmatchedReason,
)
from lms_plugin.coordination.peer_helpers import linking
from lms_plugin.db import db, utcnow
from lms_plugin.errors import Conflict, DomainError, NotFound


def build_problem(programme: Programme) -> Problem:
    """The matcher's input: waiting helpers, placed mentors (certified or not), bans."""
    helpers = tuple(
        HelperIn(id=h.id, school_id=h.school_id, field=h.vocational_field, language=h.language)
        for h in db.session.execute(
            select(
                PeerHelper.id,
                PeerHelper.school_id,
                PeerHelper.vocational_field,
                PeerHelper.language,
            )
            .join(School, School.id == PeerHelper.school_id)
            .outerjoin(HelperLink, HelperLink.helper_id == PeerHelper.id)
            .where(School.programme_id == programme.id, HelperLink.id.is_(None))
        )
    )
    placed: dict[int, set[int]] = defaultdict(set)
    for mentor_id, school_id in db.session.execute(
        select(Placement.mentor_id, Placement.school_id)
        .join(School, School.id == Placement.school_id)
        .where(School.programme_id == programme.id, Placement.status != ENDED)
    ):
        placed[mentor_id].add(school_id)
    profiles = list(db.session.scalars(select(MentorProfile).where(MentorProfile.id.in_(placed))))
    valid = certs.valid_certificates([p.user_id for p in profiles])
    loads = dict(
        db.session.execute(
            select(HelperLink.mentor_id, func.count(HelperLink.id))
            .where(HelperLink.mentor_id.in_(placed))
            .group_by(HelperLink.mentor_id)
        ).all()
    )
    mentors = tuple(
        MentorIn(
            id=p.id,
            school_ids=frozenset(placed[p.id]),
            min_helpers=p.min_helpers,
            max_helpers=p.max_helpers,
            current_load=loads.get(p.id, 0),
            certified=p.user_id in valid,
            languages=frozenset(p.language_list),
            fields=frozenset(p.field_list),
        )
        for p in profiles
    )
    helper_ids = {h.id for h in helpers}
    banned = frozenset(
        (h, m)
        for h, m in db.session.execute(
            select(BannedPair.helper_id, BannedPair.mentor_id).where(
                BannedPair.mentor_id.in_(placed)
            )
        ).tuples()
        if h in helper_ids
    )
    return Problem(mentors=mentors, helpers=helpers, banned=banned)


def _discard_drafts(programme: Programme) -> None:
    runs = select(MatchRun.id).where(
        MatchRun.programme_id == programme.id, MatchRun.status == "draft"
    )
    db.session.execute(
        delete(HelperLink).where(HelperLink.status == "draft", HelperLink.run_id.in_(runs))
    )
    db.session.execute(
        update(MatchRun)
        .where(MatchRun.programme_id == programme.id, MatchRun.status == "draft")
        .values(status="discarded")
    )


def run(programme: Programme, by: User) -> MatchRun:
    """Propose links for every waiting helper (drafts); earlier unpublished drafts are dropped."""
    refresh_renewal_flags()
    _discard_drafts(programme)
    problem = build_problem(programme)
    started = time.perf_counter()
    result = solve(problem)
    elapsed = int((time.perf_counter() - started) * 1000)
    match_run = MatchRun(
        programme_id=programme.id,
        helpers_considered=len(problem.helpers),
        matched=len(result.assignments),
        solve_ms=elapsed,
        created_by_id=by.id,
    )
    db.session.add(match_run)
    db.session.flush()
    now = utcnow()
    if result.assignments:
        db.session.execute(
            insert(HelperLink),
            [
                {
                    "helper_id": h,
                    "mentor_id": m,
                    "status": "draft",
                    "run_id": match_run.id,
                    "created_by_id": by.id,
                    "created_at": now,
                }
                for h, m in result.assignments.items()
            ],
        )
    if result.unmatched:
        db.session.execute(
            insert(UnmatchedReason),
            [
                {"run_id": match_run.id, "helper_id": h, "reason": r}
                for h, r in result.unmatched.items()
            ],
        )
    ids = [h.id for h in problem.helpers]
    for start in range(0, len(ids), 500):
        audit.record_many(by.id, audit.PROPOSE, audit.helper_ids(ids[start : start + 500]))
    db.session.flush()
    return match_run


def get_run(run_id: int) -> MatchRun:
    found = db.session.get(MatchRun, run_id)
    if found is None:
        raise NotFound(_("This matching run does not exist."))
    return found


def _draft(run_: MatchRun) -> None:
    if run_.status != "draft":
        raise Conflict(_("This proposal was already published or discarded."))


def move(run_: MatchRun, helper: PeerHelper, mentor: MentorProfile | None, by: User) -> None:
    """Review edit: give a helper another mentor, or leave them unassigned."""
    _draft(run_)
    found = linking.current_link(helper)
    if found is not None and found.status == "published":
        raise Conflict(
            _("This helper already has a published link; change it on the helper's page.")
        )
    if mentor is None:
        if found is not None:
            db.session.delete(found)
        db.session.execute(
            delete(UnmatchedReason).where(
                UnmatchedReason.run_id == run_.id, UnmatchedReason.helper_id == helper.id
            )
        )
        db.session.add(
            UnmatchedReason(run_id=run_.id, helper_id=helper.id, reason=linking.UNASSIGNED)
        )
    else:
        linking.check_link(helper, mentor)
        if found is None:
            found = HelperLink(
                helper_id=helper.id, status="draft", run_id=run_.id, created_by_id=by.id
            )
            db.session.add(found)
        found.mentor_id = mentor.id
        db.session.execute(
            delete(UnmatchedReason).where(
                UnmatchedReason.run_id == run_.id, UnmatchedReason.helper_id == helper.id
            )
        )
    db.session.flush()
    audit.record(
        by.id,
        audit.UPDATE,
        helper.id,
        helper.school_id,
        f"draft mentor {mentor.id if mentor else '-'}",
    )


def publish(run_: MatchRun, by: User) -> int:
    """Publish every draft of the run, after checking the hard rules again (all or nothing)."""
    _draft(run_)
    drafts = db.session.execute(
        select(
            HelperLink.helper_id, HelperLink.mentor_id, PeerHelper.school_id, MentorProfile.user_id
        )
        .join(PeerHelper, PeerHelper.id == HelperLink.helper_id)
        .join(MentorProfile, MentorProfile.id == HelperLink.mentor_id)
        .where(HelperLink.run_id == run_.id, HelperLink.status == "draft")
    ).all()
    problems = _violations(drafts)
    if problems:
        raise DomainError(
            _(
                "The proposal can no longer be published: %(why)s Run the matcher again.",
                why=problems[0],
            ),
            status_code=409,
        )
    now = utcnow()
    db.session.execute(
        update(HelperLink)
        .where(HelperLink.run_id == run_.id, HelperLink.status == "draft")
        .values(status="published", published_at=now)
    )
    run_.status = "published"
    run_.published_at = now
    ids = [d.helper_id for d in drafts]
    for start in range(0, len(ids), 500):
        audit.record_many(by.id, audit.PUBLISH, audit.helper_ids(ids[start : start + 500]))
    db.session.flush()
    return len(drafts)


def _violations(drafts: Sequence[Any]) -> list[str]:
    mentor_ids = {d.mentor_id for d in drafts}
    valid = certs.valid_certificates({d.user_id for d in drafts})
    active = set(
        db.session.execute(
            select(Placement.mentor_id, Placement.school_id).where(
                Placement.mentor_id.in_(mentor_ids), Placement.status == "active"
            )
        ).tuples()
    )
    banned = set(
        db.session.execute(
            select(BannedPair.helper_id, BannedPair.mentor_id).where(
                BannedPair.mentor_id.in_(mentor_ids)
            )
        ).tuples()
    )
    loads = dict(
        db.session.execute(
            select(HelperLink.mentor_id, func.count(HelperLink.id))
            .where(HelperLink.mentor_id.in_(mentor_ids))
            .group_by(HelperLink.mentor_id)
        ).all()
    )
    maxima = dict(
        db.session.execute(
            select(MentorProfile.id, MentorProfile.max_helpers).where(
                MentorProfile.id.in_(mentor_ids)
            )
        ).all()
    )
    found = []
    for d in drafts:
        if d.user_id not in valid:
            found.append(_("a mentor's certificate is no longer valid."))
        elif (d.mentor_id, d.school_id) not in active:
            found.append(_("a mentor is no longer placed at the school."))
        elif (d.helper_id, d.mentor_id) in banned:
            found.append(_("a pair was banned meanwhile."))
    found += [
        _("a mentor would exceed their maximum.") for m in mentor_ids if loads.get(m, 0) > maxima[m]
    ]
    return found


def draft_count(run_: MatchRun) -> int:
    """How many proposed (unpublished) links a run holds."""
    return int(
        db.session.scalar(
            select(func.count(HelperLink.id)).where(
                HelperLink.run_id == run_.id, HelperLink.status == "draft"
            )
        )
        or 0
    )


def discard(run_: MatchRun) -> None:
    _draft(run_)
    db.session.execute(
        delete(HelperLink).where(HelperLink.run_id == run_.id, HelperLink.status == "draft")
    )
    run_.status = "discarded"
    db.session.flush()
