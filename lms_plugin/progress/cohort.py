"""The trainer's cohort matrix: every trainee of a context against every module, in two queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select

from lms_plugin.accounts.models import Membership, Role, User
from lms_plugin.db import db, utcnow
from lms_plugin.progress.models import CourseSummary, ModuleSummary

SORTS = ("name", "hours", "activity", "modules")


@dataclass(frozen=True)
class CohortRow:
    user_id: int
    name: str
    has_launched: bool
    hours: float
    active_seconds: int
    modules_complete: int
    last_activity_at: datetime | None
    stalled: bool
    modules: dict[str, ModuleSummary]


@dataclass(frozen=True)
class CohortQuery:
    context_pk: int
    course_id: str
    sort: str = "name"
    descending: bool = False
    search: str | None = None
    only_stalled: bool = False
    module_id: str | None = None
    module_status: str | None = None
    stalled_days: int = 14


def cohort(query: CohortQuery) -> list[CohortRow]:
    """Trainees (launched or roster-only) with their summaries."""
    threshold = utcnow() - timedelta(days=query.stalled_days)
    name = func.coalesce(User.name, User.family_name, User.sub)
    stmt = (
        select(User.id, name, Membership.has_launched, CourseSummary)
        .join(
            Membership,
            and_(Membership.user_id == User.id, Membership.context_pk == query.context_pk),
        )
        .outerjoin(
            CourseSummary,
            and_(CourseSummary.user_id == User.id, CourseSummary.course_id == query.course_id),
        )
        .where(Membership.role == Role.TRAINEE.value, Membership.is_active)
    )
    if query.search:
        stmt = stmt.where(name.ilike(f"%{query.search}%"))
    if query.only_stalled:
        stmt = stmt.where(
            or_(
                CourseSummary.last_activity_at.is_(None), CourseSummary.last_activity_at < threshold
            )
        )
    if query.module_id and query.module_status:
        sub = select(ModuleSummary.user_id).where(
            ModuleSummary.course_id == query.course_id,
            ModuleSummary.module_id == query.module_id,
            ModuleSummary.status == query.module_status,
        )
        if query.module_status == "locked":
            stmt = stmt.where(or_(User.id.in_(sub), CourseSummary.id.is_(None)))
        else:
            stmt = stmt.where(User.id.in_(sub))
    order: Any = {
        "name": name,
        "hours": func.coalesce(CourseSummary.hours_credited, 0),
        "activity": func.coalesce(CourseSummary.last_activity_at, datetime(1970, 1, 1, tzinfo=UTC)),
        "modules": func.coalesce(CourseSummary.modules_complete, 0),
    }[query.sort if query.sort in SORTS else "name"]
    stmt = stmt.order_by(order.desc() if query.descending else order.asc(), User.id)
    rows = db.session.execute(stmt).all()
    ids = [row[0] for row in rows]
    by_user: dict[int, dict[str, ModuleSummary]] = {uid: {} for uid in ids}
    if ids:
        for module_row in db.session.scalars(
            select(ModuleSummary).where(
                ModuleSummary.course_id == query.course_id, ModuleSummary.user_id.in_(ids)
            )
        ):
            by_user[module_row.user_id][module_row.module_id] = module_row
    result = []
    for user_id, display, launched, summary in rows:
        last = summary.last_activity_at if summary else None
        result.append(
            CohortRow(
                user_id=user_id,
                name=str(display),
                has_launched=bool(launched),
                hours=float(summary.hours_credited) if summary else 0.0,
                active_seconds=int(summary.active_seconds) if summary else 0,
                modules_complete=int(summary.modules_complete) if summary else 0,
                last_activity_at=last,
                stalled=last is None or last < threshold,
                modules=by_user[user_id],
            )
        )
    return result
