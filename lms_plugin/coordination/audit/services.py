"""The helper audit trail: every read and change of helper data, by whom, when (ids only)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, Select, insert, literal, select

from lms_plugin.accounts.models import User
from lms_plugin.coordination.models import HelperAuditLog, PeerHelper
from lms_plugin.db import db, utcnow
from lms_plugin.listing import ListArgs, Page, Sort, matches, paginate_sorted

# Actions, as stored; the audit page translates them.
VIEW, LIST, EXPORT, CREATE, UPDATE = "view", "list", "export", "create", "update"
LINK, UNLINK, BAN, PROPOSE, PUBLISH = "link", "unlink", "ban", "propose", "publish"
ERASE, RETENTION, MENTOR_VIEW = "erase", "retention_delete", "mentor_view"


def record(
    actor_id: int | None,
    action: str,
    helper_id: int | None,
    school_id: int | None,
    detail: str = "",
) -> None:
    """One audit row (flushed with the caller's transaction)."""
    db.session.add(
        HelperAuditLog(
            actor_id=actor_id,
            action=action,
            helper_id=helper_id,
            school_id=school_id,
            detail=detail[:255],
            at=utcnow(),
        )
    )


def record_many(actor_id: int | None, action: str, helpers: Select[int, int]) -> int:
    """One row per helper the query selects (helper id, school id), in one INSERT … SELECT."""
    now = utcnow()
    source = helpers.add_columns(literal(now, HelperAuditLog.at.type), literal(action))
    source = source.add_columns(literal(actor_id, HelperAuditLog.actor_id.type), literal(""))
    result = db.session.execute(
        insert(HelperAuditLog).from_select(
            ["helper_id", "school_id", "at", "action", "actor_id", "detail"], source
        )
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def helper_ids(ids: list[int]) -> Select[int, int]:
    """The (id, school id) select for a known list of helpers."""
    return select(PeerHelper.id, PeerHelper.school_id).where(PeerHelper.id.in_(ids))


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    actor: str
    action: str
    helper_id: int | None
    school_id: int | None
    detail: str


ACTION_LABELS = {
    VIEW: _l("viewed the record"),
    LIST: _l("saw it in a list"),
    EXPORT: _l("exported (CSV)"),
    CREATE: _l("created"),
    UPDATE: _l("changed"),
    LINK: _l("linked to a mentor"),
    UNLINK: _l("unlinked from the mentor"),
    BAN: _l("pair banned"),
    PROPOSE: _l("mentor proposed by the matcher"),
    PUBLISH: _l("matcher's link published"),
    ERASE: _l("erased on request"),
    RETENTION: _l("deleted after the retention period"),
    MENTOR_VIEW: _l("seen by the mentor"),
}


def action_label(action: str) -> str:
    """What an action code means, in the reader's language (never the code itself)."""
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else _("recorded")


@dataclass(frozen=True)
class AuditFilter:
    """What the audit page was asked for; dates are local calendar days (inclusive)."""

    helper_id: int | None = None
    action: str = ""
    actor: str = ""  # part of the actor's name, accents ignored
    since: date | None = None
    until: date | None = None
    school_ids: Select[int] | None = None  # the viewer's scope; None: everything
    viewer_id: int | None = None  # rows of no school (a matcher run) are shown to whoever made them


def _local_midnight(day: date, zone: ZoneInfo) -> datetime:
    """The UTC moment a local day starts."""
    return datetime.combine(day, time.min, tzinfo=zone).astimezone(UTC)


# "at": the order rows were written in (ids grow with time; the primary key makes the first and
# the last page cheap, and the order total).
AUDIT_SORTS = {"at": Sort(HelperAuditLog.id)}


def audit_page(f: AuditFilter, args: ListArgs, zone: ZoneInfo) -> Page[AuditEntry]:
    """Newest first, with the actor's name; filtered by action, actor, dates and helper."""
    query = select(HelperAuditLog, User.name).outerjoin(User, User.id == HelperAuditLog.actor_id)
    if f.school_ids is not None:
        in_scope: ColumnElement[bool] = HelperAuditLog.school_id.in_(f.school_ids)
        if f.viewer_id is not None:
            own = HelperAuditLog.school_id.is_(None) & (HelperAuditLog.actor_id == f.viewer_id)
            in_scope = in_scope | own
        query = query.where(in_scope)
    if f.helper_id is not None:
        query = query.where(HelperAuditLog.helper_id == f.helper_id)
    if f.action in ACTION_LABELS:
        query = query.where(HelperAuditLog.action == f.action)
    if f.actor:
        # The people named first (each name folded once, not once per audit row; one pass
        # instead of one for the count and one for the page), then their rows by id.
        actors = list(db.session.scalars(select(User.id).where(matches(f.actor, User.name))))
        query = query.where(HelperAuditLog.actor_id.in_(actors or [-1]))
    if f.since is not None:
        query = query.where(HelperAuditLog.at >= _local_midnight(f.since, zone))
    if f.until is not None:
        query = query.where(HelperAuditLog.at < _local_midnight(f.until + timedelta(days=1), zone))
    found = paginate_sorted(query, AUDIT_SORTS, args)
    entries = [
        AuditEntry(
            at=log.at,
            actor=name or ("#" + str(log.actor_id) if log.actor_id else _("the system")),
            action=log.action,
            helper_id=log.helper_id,
            school_id=log.school_id,
            detail=log.detail,
        )
        for log, name in found.items
    ]
    return Page(entries, found.total, found.page, found.per_page)
