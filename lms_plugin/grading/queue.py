"""The marking queue of one context: submitted work of its trainees, filtered, searched, sorted
and paged on the server; the position of one submission within it (previous / next)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, case, func, literal, or_, select
from sqlalchemy.orm import aliased

from lms_plugin.accounts.models import Membership, Role, User
from lms_plugin.collation import order_by_hungarian
from lms_plugin.courses.content import all_courses
from lms_plugin.db import db, utcnow
from lms_plugin.grading.models import DRAFT, GRADE_STATES, Grade, Submission
from lms_plugin.listing import ListArgs, Page, matches, paginate

STATUSES = ("open", "new", *GRADE_STATES, "all")  # "open": everything not yet released
SORTS = ("submitted", "name", "assignment")
WAITING_DAYS = (1, 3, 7, 14, 30)  # "waiting for at least N days"
PER_PAGE = 25
LIMIT = 500
NEIGHBOUR_LIMIT = 5000  # ids read to find previous / next; a course has far fewer submissions
# The URL parameters that make up a queue's view; the grade page carries them along.
PARAMS = ("q", "status", "module", "assignment", "marker", "waiting", "sort", "mine", "page")


@dataclass(frozen=True)
class QueueFilter:
    """What the trainer asked to see."""

    context_pk: int
    module_id: str = ""
    assignment_id: str = ""
    status: str = "open"
    mine_only: bool = False
    viewer_id: int = 0
    q: str = ""  # words of the trainee's name, accents ignored
    marker: str = ""  # "": anyone; "none": nobody allocated or marking; else a trainer's id
    waiting_days: int = 0  # submitted at least this many days ago (0: any)
    sort: str = "submitted"  # one of SORTS
    descending: bool = False
    page: int = 1
    per_page: int = PER_PAGE


@dataclass(frozen=True)
class QueueRow:
    """One submitted attempt in the queue."""

    submission_id: int
    trainee_id: int
    trainee_name: str
    module_id: str
    assignment_id: str
    attempt: int
    submitted_at: datetime | None
    grade_state: str  # new | in_progress | ready | released
    outcome: str | None
    total: int | None
    marker_name: str | None
    allocated_to_id: int | None
    allocated_to_name: str | None
    grade_id: int | None
    release_count: int = 0  # released before and not released now: a correction in progress


@dataclass(frozen=True)
class Position:
    """Where one submission stands in a filtered queue (1-based), and its neighbours."""

    index: int  # 0 when the submission is not (or no longer) in the filtered queue
    total: int
    previous_id: int | None
    next_id: int | None


def trainee_ids(context_pk: int) -> Select[int]:
    """The trainees of a context (roster-only members included)."""
    return select(Membership.user_id).where(
        Membership.context_pk == context_pk, Membership.role == Role.TRAINEE.value
    )


def _digits(raw: str | None, limit: int = 9) -> int | None:
    if raw and raw.isascii() and raw.isdigit() and len(raw) <= limit:
        return int(raw)
    return None


def filter_from_args(args: Mapping[str, str], context_pk: int, viewer_id: int) -> QueueFilter:
    """The queue view named by URL parameters; anything unknown or malformed falls back to the
    default, never an error."""
    status = args.get("status", "open")
    raw_sort = (args.get("sort") or "submitted").strip()
    sort = raw_sort.lstrip("-")
    marker = (args.get("marker") or "").strip()
    if marker not in ("", "none") and _digits(marker) is None:
        marker = ""
    waiting = _digits(args.get("waiting"), 3) or 0
    return QueueFilter(
        context_pk=context_pk,
        module_id=(args.get("module") or "")[:64],
        assignment_id=(args.get("assignment") or "")[:64],
        status=status if status in STATUSES else "open",
        mine_only=args.get("mine") == "1",
        viewer_id=viewer_id,
        q=(args.get("q") or "").strip()[:100],
        marker=marker,
        waiting_days=waiting if waiting in WAITING_DAYS else 0,
        sort=sort if sort in SORTS else "submitted",
        descending=raw_sort.startswith("-") and sort in SORTS,
        page=max(1, _digits(args.get("page")) or 1),
    )


def filter_args(query: QueueFilter, *, page: bool = True) -> dict[str, Any]:
    """The URL parameters of a queue view (the defaults left out), for links that keep it."""
    values = {
        "q": query.q,
        "status": "" if query.status == "open" else query.status,
        "module": query.module_id,
        "assignment": query.assignment_id,
        "marker": query.marker,
        "waiting": str(query.waiting_days) if query.waiting_days else "",
        "sort": ""
        if query.sort == "submitted" and not query.descending
        else ("-" if query.descending else "") + query.sort,
        "mine": "1" if query.mine_only else "",
        "page": str(query.page) if page and query.page > 1 else "",
    }
    return {k: v for k, v in values.items() if v}


def _name(person: Any) -> ColumnElement[str]:
    """The SQL twin of `User.display_name` (the platform's full name, else family + given)."""
    return func.coalesce(
        person.name,
        person.family_name + " " + person.given_name,
        person.family_name,
        person.given_name,
        "#" + person.sub,
    )


def _assignment_order() -> ColumnElement[int]:
    """Assignments in course order (module by module), not by their ids."""
    order = {
        m.assignment.id: i
        for i, m in enumerate(m for c in all_courses() for m in c.modules)
        if m.assignment is not None
    }
    if not order:
        return literal(0)
    return case(order, value=Submission.assignment_id, else_=len(order))


def _statement(query: QueueFilter) -> tuple[Any, Any, Any]:
    """The filtered rows (unordered), with the trainee and the grade aliases for ordering."""
    trainee = aliased(User)
    allocated = aliased(User)
    marker = aliased(User)
    stmt = (
        select(Submission, trainee, Grade, allocated, marker)
        .join(trainee, trainee.id == Submission.user_id)
        .outerjoin(Grade, Grade.submission_id == Submission.id)
        .outerjoin(allocated, allocated.id == Submission.allocated_to_id)
        .outerjoin(marker, marker.id == Grade.marker_id)
        .where(Submission.state != DRAFT, Submission.user_id.in_(trainee_ids(query.context_pk)))
    )
    if query.module_id:
        stmt = stmt.where(Submission.module_id == query.module_id)
    if query.assignment_id:
        stmt = stmt.where(Submission.assignment_id == query.assignment_id)
    if query.mine_only:
        stmt = stmt.where(Submission.allocated_to_id == query.viewer_id)
    if query.marker == "none":
        stmt = stmt.where(Submission.allocated_to_id.is_(None), Grade.marker_id.is_(None))
    elif query.marker:
        who = int(query.marker)
        stmt = stmt.where(or_(Submission.allocated_to_id == who, Grade.marker_id == who))
    if query.status == "open":
        stmt = stmt.where((Grade.id.is_(None)) | (Grade.state != "released"))
    elif query.status == "new":
        stmt = stmt.where(Grade.id.is_(None))
    elif query.status in GRADE_STATES:
        stmt = stmt.where(Grade.state == query.status)
    if query.waiting_days:
        since = utcnow() - timedelta(days=query.waiting_days)
        stmt = stmt.where(Submission.submitted_at <= since)
    if query.q:
        stmt = stmt.where(matches(query.q, _name(trainee)))
    return stmt, trainee, Grade


def _ordered(stmt: Any, trainee: Any, query: QueueFilter) -> Any:
    """ORDER BY the chosen key (names in Hungarian order), then oldest first, then id."""
    if query.sort == "name":
        key: Any = order_by_hungarian(_name(trainee))
    elif query.sort == "assignment":
        key = _assignment_order()
    else:
        key = Submission.submitted_at
    first = key.desc() if query.descending else key.asc()
    if query.sort == "submitted":
        tail = Submission.id.desc() if query.descending else Submission.id.asc()
        return stmt.order_by(first, tail)
    return stmt.order_by(first, Submission.submitted_at, Submission.id)


def _row(
    sub: Submission, person: User, grade: Grade | None, to: User | None, by: User | None
) -> QueueRow:
    return QueueRow(
        submission_id=sub.id,
        trainee_id=person.id,
        trainee_name=person.display_name,
        module_id=sub.module_id,
        assignment_id=sub.assignment_id,
        attempt=sub.attempt,
        submitted_at=sub.submitted_at,
        grade_state=grade.state if grade else "new",
        outcome=grade.outcome if grade else None,
        total=grade.total if grade else None,
        marker_name=by.display_name if by else None,
        allocated_to_id=sub.allocated_to_id,
        allocated_to_name=to.display_name if to else None,
        grade_id=grade.id if grade else None,
        release_count=grade.release_count if grade else 0,
    )


def queue(query: QueueFilter) -> list[QueueRow]:
    """Submitted attempts of the context's trainees, filtered and sorted (at most LIMIT)."""
    stmt, trainee, _grade = _statement(query)
    rows = db.session.execute(_ordered(stmt, trainee, query).limit(LIMIT)).all()
    return [_row(*row) for row in rows]


def queue_page(query: QueueFilter) -> Page[QueueRow]:
    """One page of the filtered, sorted queue and how many submissions the filter finds."""
    stmt, trainee, _grade = _statement(query)
    args = ListArgs(page=query.page, per_page=query.per_page)
    found = paginate(_ordered(stmt, trainee, query), args, counted=stmt)
    return Page([_row(*row) for row in found.items], found.total, found.page, found.per_page)


def position(query: QueueFilter, submission_id: int) -> Position:
    """Where `submission_id` stands in the filtered queue (all pages), with its neighbours."""
    stmt, trainee, _grade = _statement(query)
    ids_stmt = _ordered(stmt, trainee, query).with_only_columns(Submission.id)
    ids = list(db.session.scalars(ids_stmt.limit(NEIGHBOUR_LIMIT)))
    if submission_id not in ids:
        return Position(0, len(ids), None, ids[0] if ids else None)
    at = ids.index(submission_id)
    return Position(
        at + 1,
        len(ids),
        ids[at - 1] if at > 0 else None,
        ids[at + 1] if at + 1 < len(ids) else None,
    )


def page_of(query: QueueFilter, submission_id: int) -> QueueFilter:
    """The same view on the page that shows `submission_id` (the queue link from a grade page)."""
    found = position(query, submission_id)
    if not found.index:
        return query
    return replace(query, page=(found.index - 1) // query.per_page + 1)


def markers(context_pk: int) -> list[User]:
    """The trainers of a context, for allocation."""
    return list(
        db.session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.context_pk == context_pk,
                Membership.role == Role.TRAINER.value,
                Membership.is_active.is_(True),
            )
            .order_by(order_by_hungarian(_name(User)), User.id)
        )
    )
