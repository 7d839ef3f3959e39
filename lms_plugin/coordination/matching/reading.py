"""The matcher's input read from the database: one query per table, tuples into arrays.

Only the columns the matcher uses, no ORM objects: at national scale (20,000 waiting helpers,
5,000 placed mentors) building 25,000 objects cost more than the queries. Rows are read in id
order so the same data always gives the same drafts. The certificate check is a subquery of the
mentor query (`certs.valid_user_ids`), so the certificates are not read into Python either.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy import Select, func, select

from lms_plugin.coordination import certs
from lms_plugin.coordination.matching.flow import ArrayProblem, Ints, ints
from lms_plugin.coordination.mentors.services import ENDED
from lms_plugin.coordination.models import (
    BannedPair,
    HelperLink,
    MentorProfile,
    PeerHelper,
    Placement,
    School,
)
from lms_plugin.db import db, utcnow

STREAM_ROWS = 20_000  # helper rows per slice


def _placed_mentors(programme_id: int) -> Select[int]:
    """Mentors with a current placement at one of the programme's schools (a subquery)."""
    return (
        select(Placement.mentor_id)
        .join(School, School.id == Placement.school_id)
        .where(School.programme_id == programme_id, Placement.status != ENDED)
    )


def _codes(values: list[str], vocabulary: dict[str, int]) -> list[int]:
    return [vocabulary.setdefault(v, len(vocabulary)) for v in values]


def _split(rows: list[str], vocabulary: dict[str, int]) -> tuple[Ints, Ints]:
    """'a|b' strings per mentor -> (mentor position, code) pairs."""
    pos: list[int] = []
    codes: list[int] = []
    for i, text in enumerate(rows):
        for item in text.split("|"):
            if item:
                pos.append(i)
                codes.append(vocabulary.setdefault(item, len(vocabulary)))
    return ints(pos), ints(codes)


def _positions(sorted_ids: Ints, wanted: Ints) -> tuple[Ints, np.ndarray]:
    """Where each wanted id sits in the sorted ids, and which of them are there at all."""
    if not len(sorted_ids):
        return ints([0] * len(wanted)), np.zeros(len(wanted), dtype=bool)
    at = np.minimum(np.searchsorted(sorted_ids, wanted), len(sorted_ids) - 1)
    return at.astype(np.int64), sorted_ids[at] == wanted


@dataclass(frozen=True)
class Input:
    """The arrays, and the names behind the field and language codes."""

    problem: ArrayProblem
    fields: list[str]
    languages: list[str]


def read_problem(programme_id: int, at: datetime | None = None) -> ArrayProblem:
    """Waiting helpers, placed mentors (certified or not) with their load, placements, bans."""
    return read_input(programme_id, at).problem


def read_input(programme_id: int, at: datetime | None = None) -> Input:
    """`read_problem` with the vocabularies (five queries)."""
    at = at or utcnow()
    placed = _placed_mentors(programme_id)
    fields: dict[str, int] = {}
    languages: dict[str, int] = {}
    helpers = _helpers(
        select(
            PeerHelper.id, PeerHelper.school_id, PeerHelper.vocational_field, PeerHelper.language
        )
        .join(School, School.id == PeerHelper.school_id)
        .outerjoin(HelperLink, HelperLink.helper_id == PeerHelper.id)
        .where(School.programme_id == programme_id, HelperLink.id.is_(None))
        .order_by(PeerHelper.id),
        fields,
        languages,
    )
    placements = db.session.execute(
        select(Placement.mentor_id, Placement.school_id)
        .join(School, School.id == Placement.school_id)
        .where(School.programme_id == programme_id, Placement.status != ENDED)
    ).all()
    valid = certs.valid_user_ids(at)
    certified = MentorProfile.user_id.in_(valid) if valid is not None else MentorProfile.user_id < 0
    loads = (
        select(HelperLink.mentor_id, func.count(HelperLink.id).label("n"))
        .where(HelperLink.mentor_id.in_(placed))
        .group_by(HelperLink.mentor_id)
        .subquery()
    )
    mentors = db.session.execute(
        select(
            MentorProfile.id,
            MentorProfile.user_id,
            MentorProfile.min_helpers,
            MentorProfile.max_helpers,
            func.coalesce(loads.c.n, 0),
            certified,
            MentorProfile.languages,
            MentorProfile.vocational_fields,
        )
        .outerjoin(loads, loads.c.mentor_id == MentorProfile.id)
        .where(MentorProfile.id.in_(placed))
        .order_by(MentorProfile.id)
    ).all()
    bans = db.session.execute(
        select(BannedPair.helper_id, BannedPair.mentor_id).where(BannedPair.mentor_id.in_(placed))
    ).all()
    return _arrays(helpers, placements, mentors, bans, at, valid is None, fields, languages)


def _columns(rows: Sequence[Sequence[Any]], width: int) -> list[list[Any]]:
    """Rows -> one list per column."""
    return [list(c) for c in zip(*rows, strict=True)] if rows else [[] for _ in range(width)]


def _helpers(
    query: Select[int, int, str, str], fields: dict[str, int], languages: dict[str, int]
) -> tuple[Ints, Ints, Ints, Ints]:
    """Waiting helpers as (ids, schools, field codes, language codes), converted in slices: the
    Python rows of one slice are alive at a time, never all 200,000 of ten times the national
    set."""
    ids: list[int] = []
    schools: list[int] = []
    field_codes: list[int] = []
    language_codes: list[int] = []
    # A client-side cursor, turned into Python rows a slice at a time (a server-side cursor
    # would make PostgreSQL plan for the first rows and fetch in round trips).
    for part in db.session.execute(query).partitions(STREAM_ROWS):
        h_id, h_school, h_field, h_lang = _columns(part, 4)
        ids += h_id
        schools += h_school
        field_codes += [fields.setdefault(f, len(fields)) if f else -1 for f in h_field]
        language_codes += _codes(h_lang, languages)
    return ints(ids), ints(schools), ints(field_codes), ints(language_codes)


def _arrays(
    helpers: tuple[Ints, Ints, Ints, Ints],
    placements: Sequence[Sequence[Any]],
    mentors: Sequence[Sequence[Any]],
    bans: Sequence[Sequence[Any]],
    at: datetime,
    ask_certs: bool,
    fields: dict[str, int],
    languages: dict[str, int],
) -> Input:
    helper_ids, helper_school, helper_field, helper_language = helpers
    m_id, m_user, m_min, m_max, m_load, m_cert, m_langs, m_fields = _columns(mentors, 8)
    if ask_certs:  # no certification models to join: the per-user contract
        valid = certs.valid_certificates(m_user, at)
        m_cert = [u in valid for u in m_user]
    mentor_ids = ints(m_id)
    field_pos, field_code = _split(m_fields, fields)
    lang_pos, lang_code = _split(m_langs, languages)
    p_mentor, p_school = (ints(c) for c in _columns(placements, 2))
    place_pos, place_ok = _positions(mentor_ids, p_mentor)
    b_helper, b_mentor = (ints(c) for c in _columns(bans, 2))
    bh, bh_ok = _positions(helper_ids, b_helper)
    bm, bm_ok = _positions(mentor_ids, b_mentor)
    problem = ArrayProblem(
        helper_ids=helper_ids,
        helper_school=helper_school,
        helper_field=helper_field,
        helper_language=helper_language,
        mentor_ids=mentor_ids,
        mentor_min=ints(m_min),
        mentor_max=ints(m_max),
        mentor_load=ints(m_load),
        mentor_certified=np.asarray(m_cert, dtype=bool),
        place_mentor=place_pos[place_ok],
        place_school=p_school[place_ok],
        mentor_field_pos=field_pos,
        mentor_field_code=field_code,
        mentor_language_pos=lang_pos,
        mentor_language_code=lang_code,
        banned_helper_pos=bh[bh_ok & bm_ok],
        banned_mentor_pos=bm[bh_ok & bm_ok],
    )
    return Input(problem, list(fields), list(languages))
