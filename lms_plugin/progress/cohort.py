"""The trainer's cohort matrix: every trainee of a context against every module, in two queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import and_, func, or_, select

from lms_plugin.accounts.models import Membership, Role, User
from lms_plugin.db import db, utcnow
from lms_plugin.progress.models import CourseSummary, ModuleSummary

SORTS = ("name", "hours", "activity", "modules")


class ModuleCell(NamedTuple):
    """What the matrix shows of one trainee's module (read as columns, not ORM objects)."""

    status: str
    quiz_best: float | None
    active_seconds: int
    min_active_seconds: int
    is_little_time: bool


CELL_COLUMNS = (
    ModuleSummary.user_id,
    ModuleSummary.module_id,
    ModuleSummary.status,
    ModuleSummary.quiz_best,
    ModuleSummary.active_seconds,
    ModuleSummary.min_active_seconds,
    ModuleSummary.is_little_time,
)


# The course summary as columns, not an ORM object per trainee (loading was the costliest part).
SUMMARY_COLUMNS = (
    CourseSummary.id,
    CourseSummary.hours_credited,
    CourseSummary.active_seconds,
    CourseSummary.modules_complete,
    CourseSummary.last_activity_at,
    CourseSummary.hours_by_kind,
    CourseSummary.little_time_modules,
)


@dataclass(frozen=True)
class CohortRow:
    user_id: int
    name: str
    has_launched: bool
    hours: float
    active_seconds: int
    modules_complete: int
    last_activity_at: datetime | None
    stalled: bool  # started, then no activity for the stalled days
    modules: dict[str, ModuleCell]
    hours_by_kind: dict[str, float] = field(default_factory=dict)
    little_time_modules: int = 0  # modules completed with little active time (flag)


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
    page: int = 1  # 1-based
    per_page: int | None = None  # None: every trainee (the CSV export)


def cohort_total(query: CohortQuery) -> int:
    """How many trainees the query finds (all pages).

    Without a filter on progress it counts the course's memberships alone: a trainee has at most
    one course summary, so the outer join to the summaries (a scan of every course's summaries on
    PostgreSQL) cannot change the count."""
    if not query.only_stalled and not (query.module_id and query.module_status):
        name = func.coalesce(User.name, User.family_name, User.sub)
        counted = (
            select(func.count())
            .select_from(Membership)
            .where(
                Membership.context_pk == query.context_pk,
                Membership.role == Role.TRAINEE.value,
                Membership.is_active,
            )
        )
        if query.search:
            counted = counted.join(User, User.id == Membership.user_id).where(
                name.ilike(f"%{query.search}%")
            )
        return int(db.session.scalar(counted) or 0)
    stmt = _statement(query, utcnow() - timedelta(days=query.stalled_days))
    counted = select(func.count()).select_from(stmt.order_by(None).subquery())
    return int(db.session.scalar(counted) or 0)


def cohort(query: CohortQuery) -> list[CohortRow]:
    """Trainees (launched or roster-only) with their summaries: one page of them when the query
    has `per_page` (a trainer reads a hundred rows, never waits for five thousand)."""
    threshold = utcnow() - timedelta(days=query.stalled_days)
    stmt = _statement(query, threshold)
    if query.per_page:
        stmt = stmt.limit(query.per_page).offset((max(query.page, 1) - 1) * query.per_page)
    rows = db.session.execute(stmt).all()
    return _rows(query, rows, threshold)


def _statement(query: CohortQuery, threshold: datetime) -> Any:
    """The trainees with their course summary, filtered and sorted as the query asks."""
    name = func.coalesce(User.name, User.family_name, User.sub)
    stmt = (
        select(User.id, name, Membership.has_launched, *SUMMARY_COLUMNS)
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
    if query.only_stalled:  # people who have not started are "not started", not stalled
        stmt = stmt.where(
            CourseSummary.last_activity_at.is_not(None), CourseSummary.last_activity_at < threshold
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
    return stmt.order_by(order.desc() if query.descending else order.asc(), User.id)


def _rows(query: CohortQuery, rows: Any, threshold: datetime) -> list[CohortRow]:
    ids = [row[0] for row in rows]
    by_user: dict[int, dict[str, ModuleCell]] = {uid: {} for uid in ids}
    if ids:
        for row in db.session.execute(
            select(*CELL_COLUMNS).where(
                ModuleSummary.course_id == query.course_id, ModuleSummary.user_id.in_(ids)
            )
        ):
            by_user[row[0]][row[1]] = ModuleCell(row[2], row[3], row[4], row[5], row[6])
    result = []
    for user_id, display, launched, summary_id, hours, active, complete, last, *more in rows:
        kinds, little = more
        has_summary = summary_id is not None
        result.append(
            CohortRow(
                user_id=user_id,
                name=str(display),
                has_launched=bool(launched),
                hours=float(hours) if has_summary else 0.0,
                active_seconds=int(active) if has_summary else 0,
                modules_complete=int(complete) if has_summary else 0,
                last_activity_at=last,
                stalled=last is not None and last < threshold,
                modules=by_user[user_id],
                hours_by_kind=dict(kinds or {}) if has_summary else {},
                little_time_modules=int(little or 0) if has_summary else 0,
            )
        )
    return result
