"""The helper audit trail: every read and change of helper data, by whom, when (ids only)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, insert, literal, select

from lms_plugin.accounts.models import User
from lms_plugin.coordination.models import HelperAuditLog, PeerHelper
from lms_plugin.db import db, utcnow

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


def audit_page(
    page: int = 1,
    per_page: int = 100,
    helper_id: int | None = None,
    school_ids: Select[int] | None = None,
) -> tuple[list[AuditEntry], int]:
    """Newest first, with the actor's name; and the total number of rows.

    `school_ids`: only entries about these schools (a coordinator's scope); None: all."""
    query = select(HelperAuditLog, User.name).outerjoin(User, User.id == HelperAuditLog.actor_id)
    count = select(func.count(HelperAuditLog.id))
    if school_ids is not None:
        query = query.where(HelperAuditLog.school_id.in_(school_ids))
        count = count.where(HelperAuditLog.school_id.in_(school_ids))
    if helper_id is not None:
        query = query.where(HelperAuditLog.helper_id == helper_id)
        count = count.where(HelperAuditLog.helper_id == helper_id)
    rows = db.session.execute(
        query.order_by(HelperAuditLog.id.desc()).offset((page - 1) * per_page).limit(per_page)
    )
    entries = [
        AuditEntry(
            at=log.at,
            actor=name or ("#" + str(log.actor_id) if log.actor_id else "system"),
            action=log.action,
            helper_id=log.helper_id,
            school_id=log.school_id,
            detail=log.detail,
        )
        for log, name in rows
    ]
    return entries, int(db.session.scalar(count) or 0)
