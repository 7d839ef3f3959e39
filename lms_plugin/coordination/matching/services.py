"""Automatic matching from the database: draft proposals, review edits, publishing."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, func, select, update

from lms_plugin.accounts.models import User
from lms_plugin.coordination import certs
from lms_plugin.coordination.audit import details
from lms_plugin.coordination.audit import services as audit
from lms_plugin.coordination.matching import drafts, reading
from lms_plugin.coordination.matching.flow import REASONS, solve_arrays
from lms_plugin.coordination.matching.matcher import HelperIn, MentorIn, Problem
from lms_plugin.coordination.matching.reading import read_problem
from lms_plugin.coordination.models import (
    BannedPair,
    HelperLink,
    MatchRun,
    MentorProfile,
    PeerHelper,
    Placement,
    Programme,
    UnmatchedReason,
)
from lms_plugin.coordination.peer_helpers import linking
from lms_plugin.db import db, utcnow
from lms_plugin.errors import Conflict, DomainError, NotFound


def build_problem(programme: Programme) -> Problem:
    """The matcher's input as dataclasses (waiting helpers, placed mentors, bans): for callers
    that want objects; a run reads arrays (`reading.read_problem`)."""
    found = reading.read_input(programme.id)
    arrays, field_names, language_names = found.problem, found.fields, found.languages
    helper_ids, mentor_ids = arrays.helper_ids.tolist(), arrays.mentor_ids.tolist()
    fields = _decode(arrays.mentor_field_pos, arrays.mentor_field_code, len(mentor_ids))
    languages = _decode(arrays.mentor_language_pos, arrays.mentor_language_code, len(mentor_ids))
    schools = _decode(arrays.place_mentor, arrays.place_school, len(mentor_ids))
    return Problem(
        mentors=tuple(
            MentorIn(
                id=mentor_ids[i],
                school_ids=frozenset(schools[i]),
                min_helpers=int(arrays.mentor_min[i]),
                max_helpers=int(arrays.mentor_max[i]),
                current_load=int(arrays.mentor_load[i]),
                certified=bool(arrays.mentor_certified[i]),
                languages=frozenset(language_names[c] for c in languages[i]),
                fields=frozenset(field_names[c] for c in fields[i]),
            )
            for i in range(len(mentor_ids))
        ),
        helpers=tuple(
            HelperIn(
                id=helper_ids[i],
                school_id=int(arrays.helper_school[i]),
                field=field_names[int(arrays.helper_field[i])]
                if arrays.helper_field[i] >= 0
                else "",
                language=language_names[int(arrays.helper_language[i])],
            )
            for i in range(len(helper_ids))
        ),
        banned=frozenset(
            (helper_ids[h], mentor_ids[m])
            for h, m in zip(
                arrays.banned_helper_pos.tolist(), arrays.banned_mentor_pos.tolist(), strict=True
            )
        ),
    )


def _decode(pos: Any, codes: Any, n: int) -> list[list[int]]:
    found: list[list[int]] = [[] for _ in range(n)]
    for i, c in zip(pos.tolist(), codes.tolist(), strict=True):
        found[i].append(c)
    return found


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


@dataclass(frozen=True)
class RunTimes:
    """Where a run's time went, in seconds (the caller's commit is not included)."""

    read: float
    solve: float
    write: float


def run(programme: Programme, by: User) -> MatchRun:
    """Propose links for every waiting helper (drafts); earlier unpublished drafts are dropped."""
    return run_timed(programme, by)[0]


def run_timed(programme: Programme, by: User) -> tuple[MatchRun, RunTimes]:
    """`run`, saying how long reading, solving and writing took.

    About a dozen statements whatever the size: drop the earlier drafts (2), one read per
    table (4), the run row, the drafts and the unmatched reasons in bulk (one statement each),
    and one audit row for the whole run (counts only: helpers are minors, the trail holds no
    list of them; the drafts themselves say who was proposed).
    """
    started = time.perf_counter()
    _discard_drafts(programme)
    problem = read_problem(programme.id)
    read_done = time.perf_counter()
    result = solve_arrays(problem)
    solved = time.perf_counter()
    helper_ids, mentor_ids = problem.helper_ids, problem.mentor_ids
    match_run = MatchRun(
        programme_id=programme.id,
        helpers_considered=len(helper_ids),
        matched=len(result.assigned_helper_pos),
        solve_ms=int((solved - read_done) * 1000),
        created_by_id=by.id,
    )
    db.session.add(match_run)
    db.session.flush()
    drafts.insert_drafts(
        match_run.id,
        by.id,
        zip(
            helper_ids[result.assigned_helper_pos].tolist(),
            mentor_ids[result.assigned_mentor_pos].tolist(),
            strict=True,
        ),
        utcnow(),
    )
    drafts.insert_reasons(
        match_run.id,
        zip(
            helper_ids[result.unmatched_helper_pos].tolist(),
            (REASONS[r] for r in result.unmatched_reason.tolist()),
            strict=True,
        ),
    )
    audit.record(
        by.id,
        audit.PROPOSE,
        None,
        None,
        details.match_run(
            match_run.id,
            len(helper_ids),
            len(result.assigned_helper_pos),
            len(result.unmatched_helper_pos),
        ),
    )
    db.session.flush()
    written = time.perf_counter()
    return match_run, RunTimes(read_done - started, solved - read_done, written - solved)


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
        details.draft_mentor(mentor.id if mentor else None),
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
    audit.record_many(  # one INSERT … SELECT: a row per helper whose link is now published
        by.id,
        audit.PUBLISH,
        select(HelperLink.helper_id, PeerHelper.school_id)
        .join(PeerHelper, PeerHelper.id == HelperLink.helper_id)
        .where(HelperLink.run_id == run_.id, HelperLink.status == "published"),
    )
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
