"""Demo data for the service year: sessions, meetings, monthly summaries, a few referrals, two
terms of outcome indicators, school contacts — for the schools of an already loaded programme.

`load_service_year(programme)` runs when `flask demo pilot` / `demo national` have loaded the
organisation (their `DemoProgrammeLoaded` event; `flask demo service-year` on its own).
Rows are bulk-inserted.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, insert, select

from lms_plugin.coordination.demo.services import _ids
from lms_plugin.coordination.mentors.services import ENDED
from lms_plugin.coordination.models import HelperLink, Placement, Programme, School
from lms_plugin.db import db, utcnow
from lms_plugin.service import choices
from lms_plugin.service.models import (
    ContactCount,
    MonthlySummary,
    OutcomeFigures,
    Referral,
    SchoolContact,
    SessionAttendance,
    SupervisionMeeting,
    TrainingSession,
)
from lms_plugin.service.referrals.services import _CODE_ALPHABET


@dataclass(frozen=True)
class Loaded:
    sessions: int
    meetings: int
    summaries: int
    referrals: int
    outcomes: int


def already_loaded(programme: Programme) -> bool:
    return bool(
        db.session.scalar(
            select(func.count(TrainingSession.id)).where(
                TrainingSession.school_id.in_(
                    select(School.id).where(School.programme_id == programme.id)
                )
            )
        )
    )


def _days(start: date, end: date, n: int, rng: random.Random) -> list[date]:
    span = max(1, (end - start).days)
    return sorted(start + timedelta(days=rng.randrange(span)) for _i in range(n))


def load_service_year(
    programme: Programme, *, today: date | None = None, seed: int = 2026
) -> Loaded:
    """Fill the programme's current school year up to `today` (the caller commits)."""
    rng = random.Random(seed)
    today = today or date.today()
    school_year = choices.school_year_of(today)
    bounds = choices.year_bounds(school_year)
    assert bounds is not None
    start, end = bounds[0] + timedelta(days=14), min(today, bounds[1])
    placements = db.session.execute(
        select(Placement.mentor_id, Placement.school_id)
        .join(School, School.id == Placement.school_id)
        .where(School.programme_id == programme.id, Placement.status != ENDED)
        .order_by(Placement.id)
    ).all()
    helpers: dict[int, list[int]] = {}
    for helper_id, mentor_id in db.session.execute(
        select(HelperLink.helper_id, HelperLink.mentor_id).where(
            HelperLink.status == "published",
            HelperLink.mentor_id.in_({m for m, _s in placements} or {-1}),
        )
    ):
        helpers.setdefault(mentor_id, []).append(helper_id)
    now = utcnow()
    sessions: list[dict[str, Any]] = []
    present: list[list[int]] = []
    meetings: list[dict[str, Any]] = []
    referrals: list[dict[str, Any]] = []
    summaries: list[dict[str, Any]] = []
    counts: list[list[tuple[str, str, int]]] = []
    themes = list(choices.THEMES)
    weeks = max(1, (end - start).days // 7)
    codes: set[str] = set()
    for mentor_id, school_id in placements:
        mine = helpers.get(mentor_id, [])
        held = min(8, max(1, weeks // 2))
        for n, day in enumerate(_days(start, end, held + rng.randrange(2), rng)):
            topic = f"s{n + 1}" if n < 8 else "extra"
            there = [h for h in mine if rng.random() < 0.85]
            sessions.append(
                dict(
                    mentor_id=mentor_id,
                    school_id=school_id,
                    school_year=school_year,
                    held_on=day,
                    topic=topic,
                    minutes=90,
                    helpers_present=len(there),
                    note="",
                    created_at=now,
                )
            )
            present.append(there)
        for day in _days(start, end, max(1, weeks // 4), rng):
            meetings.append(
                dict(
                    mentor_id=mentor_id,
                    school_id=school_id,
                    school_year=school_year,
                    held_on=day,
                    format=rng.choice(list(choices.FORMATS)),
                    cases=rng.randrange(0, 5),
                    themes="|".join(sorted(rng.sample(themes, rng.randrange(1, 3)))),
                    note="",
                    created_at=now,
                )
            )
        month = start.replace(day=1)
        while month <= end.replace(day=1):
            summaries.append(
                dict(
                    mentor_id=mentor_id,
                    school_id=school_id,
                    school_year=school_year,
                    month=month,
                    updated_at=now,
                )
            )
            counts.append(
                [
                    (kind, theme, rng.randrange(1, 6))
                    for kind in choices.KINDS
                    for theme in rng.sample(themes, 3)
                ]
            )
            month = (month + timedelta(days=32)).replace(day=1)
        if rng.random() < 0.12:
            code = _code(rng, codes)
            status = rng.choice(["open", "referred", "closed", "closed"])
            opened = _days(start, end, 1, rng)[0]
            referrals.append(
                dict(
                    code=code,
                    mentor_id=mentor_id,
                    school_id=school_id,
                    school_year=school_year,
                    category=rng.choice(list(choices.CATEGORIES)),
                    urgency=rng.choice(["urgent", "soon", "routine", "routine"]),
                    recipient=rng.choice(list(choices.RECIPIENTS)),
                    status=status,
                    opened_on=opened,
                    referred_on=opened + timedelta(days=1) if status != "open" else None,
                    closed_on=opened + timedelta(days=20) if status == "closed" else None,
                    notified_at=None,
                    created_at=now,
                )
            )
    for summary, cells in zip(summaries, counts, strict=True):
        summary["contacts"] = sum(n for _k, _t, n in cells)
    session_ids = _ids(TrainingSession, sessions)
    attendance = [
        {"session_id": sid, "helper_id": h}
        for sid, there in zip(session_ids, present, strict=True)
        for h in there
    ]
    _bulk(SessionAttendance, attendance)
    _bulk(SupervisionMeeting, meetings)
    summary_ids = _ids(MonthlySummary, summaries)
    _bulk(
        ContactCount,
        [
            {"summary_id": sid, "kind": kind, "theme": theme, "count": n}
            for sid, cells in zip(summary_ids, counts, strict=True)
            for kind, theme, n in cells
        ],
    )
    _bulk(Referral, referrals)
    outcomes = _outcomes(programme, school_year, rng)
    _contacts(programme)
    db.session.flush()
    return Loaded(len(sessions), len(meetings), len(summaries), len(referrals), outcomes)


def _code(rng: random.Random, used: set[str]) -> str:
    while True:
        raw = "".join(rng.choice(_CODE_ALPHABET) for _i in range(8))
        code = f"R-{raw[:4]}-{raw[4:]}"
        if code not in used and not db.session.scalar(
            select(Referral.id).where(Referral.code == code)
        ):
            used.add(code)
            return code


def _bulk(model: Any, rows: list[dict[str, Any]]) -> None:
    for first in range(0, len(rows), 5000):
        db.session.execute(insert(model), rows[first : first + 5000])


def _outcomes(programme: Programme, school_year: str, rng: random.Random) -> int:
    rows: list[dict[str, Any]] = []
    now = utcnow()
    for school_id in db.session.scalars(
        select(School.id).where(School.programme_id == programme.id).order_by(School.id)
    ):
        enrolled = rng.randrange(250, 900)
        at_risk = int(enrolled * rng.uniform(0.06, 0.15))
        absence = rng.uniform(8, 25)
        repeats = int(enrolled * rng.uniform(0.01, 0.04))
        left = int(enrolled * rng.uniform(0.01, 0.05))
        for n, term in enumerate((f"{school_year}-1", f"{school_year}-2")):
            better = 1 - 0.12 * n * rng.random()
            rows.append(
                dict(
                    school_id=school_id,
                    term=term,
                    enrolled=enrolled - n * rng.randrange(0, 10),
                    at_risk=int(at_risk * better),
                    avg_unjustified_absence=round(absence * better, 2),
                    grade_repetitions=int(repeats * better),
                    left_school=int(left * better),
                    entered_by_id=None,
                    updated_at=now,
                )
            )
    _bulk(OutcomeFigures, rows)
    return len(rows)


def _contacts(programme: Programme) -> None:
    rows = [
        dict(
            school_id=school_id,
            name=name,
            role=role,
            email=f"{role.replace('_', '-')}.{code.lower()}@iskola.example.hu",
            language="hu",
            created_at=utcnow(),
        )
        for school_id, code in db.session.execute(
            select(School.id, School.code).where(School.programme_id == programme.id)
        )
        for name, role in (
            ("Gyermekvédelmi felelős", "cp_contact"),
            ("Iskolapszichológus", "psychologist"),
        )
    ]
    _bulk(SchoolContact, rows)
