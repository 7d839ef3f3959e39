"""Demo data: the pilot (6 centres, 24 schools, 81 mentors, 216 helpers) and the national scale.

Everything is bulk-inserted. Mentors get real `users` rows on the practice LMS platform (or a
"demo" platform) and real certificates through the certification feature.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select, text, update

from lms_plugin import events
from lms_plugin.accounts.models import LmsContext, Membership, Role, User
from lms_plugin.coordination.demo import names, rows
from lms_plugin.coordination.demo.rows import CentreSpec
from lms_plugin.coordination.models import (
    HelperLink,
    MentorProfile,
    PeerHelper,
    Placement,
    Programme,
    School,
    TrainingCentre,
)
from lms_plugin.db import db, utcnow
from lms_plugin.lti.models import Deployment, Platform

DEMO_ISSUER = "https://demo.mentorprogram.invalid"


@dataclass(frozen=True)
class Scale:
    name: str
    mentors: int
    in_training: int
    helpers: int
    schools_without_mentor: int
    second_placement_share: float
    linked_share: float


PILOT = Scale("Kortárs segítő program – kísérleti szakasz", 81, 12, 216, 2, 0.0, 0.3)
NATIONAL = Scale("Kortárs segítő program – országos", 5_000, 15_000, 50_000, 40, 0.1, 0.6)


def demo_platform() -> Platform:
    """The practice LMS's registration when there is one, else a 'demo' platform row."""
    try:
        from lms_plugin.practice.setup import practice_platform

        found = practice_platform()
    except ImportError:
        found = None
    found = found or db.session.scalar(select(Platform).where(Platform.issuer == DEMO_ISSUER))
    if found is None:
        found = Platform(
            issuer=DEMO_ISSUER,
            client_id="demo",
            name="demo",
            auth_login_url=f"{DEMO_ISSUER}/auth",
            auth_token_url=f"{DEMO_ISSUER}/token",
            key_set_url=f"{DEMO_ISSUER}/jwks",
            registered_via="demo",
            is_active=False,
        )
        found.deployments.append(Deployment(deployment_id="demo"))
        db.session.add(found)
        db.session.flush()
    return found


def ensure_demo_certificates(
    user_ids: list[int], expires: dict[int, datetime] | None = None
) -> int:
    """Give each user a valid mentor certificate (the certification feature's own rows)."""
    from lms_plugin.certification import services
    from lms_plugin.certification.models import Certificate

    issue = getattr(services, "issue_certificate_for_demo", None)
    if issue is not None:
        for uid in user_ids:
            issue(uid)
        return len(user_ids)
    have = set(
        db.session.scalars(select(Certificate.user_id).where(Certificate.user_id.in_(user_ids)))
    )
    todo = [u for u in user_ids if u not in have]
    holders = dict(
        db.session.execute(select(User.id, User.name).where(User.id.in_(todo))).tuples().all()
    )
    now = utcnow()
    rows = []
    for uid in todo:
        ends = (expires or {}).get(uid) or now + timedelta(days=3 * 365)
        issued = ends - timedelta(days=3 * 365)
        rows.append(
            {
                "user_id": uid,
                "course_id": "mentor-30h",
                "course_version": "demo",
                "period_no": 1,
                "code": services.new_code(),
                "holder_name": holders.get(uid) or f"#{uid}",
                "hours": 30.0,
                "issued_at": issued,
                "valid_from": issued,
                "expires_at": ends,
            }
        )
    for start in range(0, len(rows), 5000):
        db.session.execute(insert(Certificate), rows[start : start + 5000])
    return len(rows)


def _ids(model: Any, rows: list[dict[str, Any]]) -> list[int]:
    """Bulk insert with ids assigned here (RETURNING per row is slow on PostgreSQL at this size).

    Only for the demo loader, which is the only writer while it runs.
    """
    start = int(db.session.scalar(select(func.max(model.id))) or 0) + 1
    ids = list(range(start, start + len(rows)))
    for row, new_id in zip(rows, ids, strict=True):
        row["id"] = new_id
    for first in range(0, len(rows), 5000):
        db.session.execute(insert(model), rows[first : first + 5000])
    if ids and db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(
            text("SELECT setval(pg_get_serial_sequence(:table, 'id'), :last)"),
            {"table": model.__tablename__, "last": ids[-1]},
        )
    return ids


def analyze() -> None:
    """Refresh PostgreSQL's planner statistics after a bulk load (autovacuum would, later)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("ANALYZE"))


def _year_end(today: date) -> date:
    end = date(today.year, 6, 15)
    return end if end > today else date(today.year + 1, 6, 15)


def load(scale: Scale, centres: list[CentreSpec], seed: int = 2026) -> Programme:
    """Insert one programme at the given scale; returns it (the caller commits)."""
    rng = random.Random(seed)
    today, now = date.today(), utcnow()
    programme = Programme(
        name=scale.name,
        school_year=f"{today.year}/{(today.year + 1) % 100:02d}",
        year_ends_on=_year_end(today),
    )
    db.session.add(programme)
    db.session.flush()
    centre_ids = _ids(TrainingCentre, rows.centre_rows(programme.id, centres))
    school_rows = rows.school_rows(programme.id, centre_ids, centres)
    schools = [
        rows.SchoolInfo(sid, int(r["centre_id"]), tuple(str(r["vocational_fields"]).split("|")))
        for sid, r in zip(_ids(School, school_rows), school_rows, strict=True)
    ]
    platform = demo_platform()
    programme.issuer = platform.issuer  # the practice LMS's tenant owns the demo programme
    context = LmsContext(
        platform_id=platform.id, context_id=f"demo-{programme.id}", title="Mentorképzés (demó)"
    )
    db.session.add(context)
    db.session.flush()
    n_users = scale.mentors + scale.in_training
    people = rows.user_rows(rng, platform.id, f"demo-{programme.id}", n_users)
    for person in people:
        person["issuer"] = platform.issuer
    user_ids = _ids(User, people)
    for start in range(0, n_users, 5000):
        db.session.execute(
            insert(Membership),
            [
                {
                    "context_pk": context.id,
                    "user_id": uid,
                    "role": Role.TRAINEE.value,
                    "source": "roster",
                }
                for uid in user_ids[start : start + 5000]
            ],
        )
    homes = [schools[i % len(schools)] for i in range(n_users)]
    mentor_users = user_ids[: scale.mentors]
    profile_rows = rows.mentor_rows(rng, mentor_users, homes, wide=scale is not PILOT)
    mentors = [
        rows.MentorInfo(mid, homes[i], int(r["max_helpers"]))
        for i, (mid, r) in enumerate(
            zip(_ids(MentorProfile, profile_rows), profile_rows, strict=True)
        )
    ]
    # Teachers still in training: their school is known, they have no certificate yet.
    db.session.execute(
        insert(MentorProfile),
        [
            {"user_id": uid, "home_school_id": homes[scale.mentors + i].id}
            for i, uid in enumerate(user_ids[scale.mentors :])
        ],
    )
    soon = {
        uid: now + timedelta(days=rng.randrange(20, 85))
        for uid in mentor_users
        if rng.random() < 0.06
    }
    ensure_demo_certificates(mentor_users, soon)
    without = {s.id for s in schools[len(schools) - scale.schools_without_mentor :]}
    placement_rows, placed = rows.placement_rows(
        rng, mentors, schools, without, scale.second_placement_share, now
    )
    db.session.execute(insert(Placement), placement_rows)
    helper_rows = rows.helper_rows(rng, schools, scale.helpers, today, now)
    helper_ids = _ids(PeerHelper, helper_rows)
    db.session.execute(update(School), rows.targets(helper_rows))
    links = rows.link_rows(rng, helper_ids, helper_rows, placed, mentors, scale.linked_share, now)
    for start in range(0, len(links), 5000):
        db.session.execute(insert(HelperLink), links[start : start + 5000])
    db.session.flush()
    events.publish(events.DemoProgrammeLoaded(programme.id))  # the service year fills its year
    return programme


def load_pilot() -> Programme:
    return load(PILOT, list(names.PILOT_CENTRES))


def load_national(seed: int = 7) -> Programme:
    return load(NATIONAL, rows.national_centres(random.Random(seed)), seed)


def existing(scale: Scale) -> Programme | None:
    return db.session.scalar(select(Programme).where(Programme.name == scale.name))
