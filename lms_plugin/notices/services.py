"""One round of notices: find what is due, skip what was sent or turned off, claim, send.

Sent at most once: the `notices_sent` row (unique per kind, person and event) is inserted before
the message is handed over and committed after it; a second worker's insert waits for the first
and then fails on the unique key, so it skips. If handing over fails the claim is rolled back and
the notice is tried again next round (the round stops at the first failure: a mail server that
is down is not hammered). The one case of a double message is a crash between the hand-over and
the commit.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from lms_plugin.accounts.models import User
from lms_plugin.db import db, utcnow
from lms_plugin.notices.compose import compose
from lms_plugin.notices.due import Due, all_due
from lms_plugin.notices.mailer import MailError, send
from lms_plugin.notices.models import NoticeOptOut, NoticeSent

log = logging.getLogger("lms_plugin.notices")
CHUNK = 500


@dataclass
class RoundResult:
    sent: int = 0
    already_sent: int = 0
    turned_off: int = 0
    no_address: int = 0
    failed: int = 0


def _chunks(ids: list[int]) -> list[list[int]]:
    return [ids[i : i + CHUNK] for i in range(0, len(ids), CHUNK)]


def run_round(now: datetime | None = None) -> RoundResult:
    """Send every due notice once; commits per message."""
    now = now or utcnow()
    result = RoundResult()
    dues = list(all_due(now))
    if not dues:
        return result
    user_ids = sorted({d.user_id for d in dues})
    sent: set[tuple[str, int, str]] = set()
    off: set[tuple[int, str]] = set()
    users: dict[int, User] = {}
    for chunk in _chunks(user_ids):
        sent.update(
            (k, u, e)
            for k, u, e in db.session.execute(
                select(NoticeSent.kind, NoticeSent.user_id, NoticeSent.event_key).where(
                    NoticeSent.user_id.in_(chunk)
                )
            )
        )
        off.update(
            (u, k)
            for u, k in db.session.execute(
                select(NoticeOptOut.user_id, NoticeOptOut.kind).where(
                    NoticeOptOut.user_id.in_(chunk)
                )
            )
        )
        users.update({u.id: u for u in db.session.scalars(select(User).where(User.id.in_(chunk)))})
    for due in dues:
        if (due.kind, due.user_id, due.event_key) in sent:
            result.already_sent += 1
            continue
        if (due.user_id, due.kind) in off:
            result.turned_off += 1
            continue
        user = users.get(due.user_id)
        if user is None or not (user.email or "").strip():
            result.no_address += 1
            continue
        if not _claim(due):
            result.already_sent += 1
            continue
        try:
            send(compose(due, user))
        except (MailError, LookupError) as exc:
            db.session.rollback()  # the claim goes with it: tried again next round
            result.failed += 1
            log.warning("notice not sent", extra={"data": {"kind": due.kind, "error": str(exc)}})
            if isinstance(exc, MailError):
                break
            continue
        db.session.commit()
        sent.add((due.kind, due.user_id, due.event_key))
        result.sent += 1
    return result


def _claim(due: Due) -> bool:
    """Insert the sent-row first (flush, not commit); False when another worker has it. No
    SAVEPOINT: nothing else is pending (each message commits), and SQLite's driver would commit
    a released outermost savepoint."""
    db.session.add(NoticeSent(kind=due.kind, user_id=due.user_id, event_key=due.event_key))
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        return False
    return True


def opted_out(user_id: int) -> set[str]:
    return set(db.session.scalars(select(NoticeOptOut.kind).where(NoticeOptOut.user_id == user_id)))


def set_preferences(user_id: int, enabled: set[str], kinds: tuple[str, ...]) -> None:
    """Turn on exactly `enabled` of `kinds` for the user (flush)."""
    current = opted_out(user_id)
    for kind in kinds:
        if kind in enabled and kind in current:
            db.session.execute(
                delete(NoticeOptOut).where(
                    NoticeOptOut.user_id == user_id, NoticeOptOut.kind == kind
                )
            )
        elif kind not in enabled and kind not in current:
            db.session.add(NoticeOptOut(user_id=user_id, kind=kind))
    db.session.flush()


def turn_off(user_id: int, kind: str) -> None:
    if kind not in opted_out(user_id):
        db.session.add(NoticeOptOut(user_id=user_id, kind=kind))
        db.session.flush()
