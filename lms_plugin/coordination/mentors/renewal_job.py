"""Renewal flags and the mentor pool kept current where states change, so pages only read them.

Two moments change what a placement's flag should say:
- a certificate is issued, renewed or revoked: certification publishes `CertificateChanged`
  and `on_certificate_changed` brings that one teacher up to date, in the same transaction;
- time passes (a certificate expires): the background worker's daily round (`renewal_task`,
  the same loop that sends notices; `COORDINATION_RENEWAL_INTERVAL_SECONDS`, default a day)
  flags every placement whose certificate lapsed and adds newly certified teachers to the pool.
  `flask --app lms_plugin coordination flag-renewals` runs the same round on demand.
The dashboard, the mentor pool and the placements list never write (issue 20).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime

from flask import Flask

from lms_plugin import events
from lms_plugin.coordination import certs
from lms_plugin.coordination.mentors.services import refresh_renewal_flags, sync_mentor_pool
from lms_plugin.db import db

log = logging.getLogger("lms_plugin.coordination.renewals")
DAY_SECONDS = 86_400.0
_last_round: dict[int, float] = {}


@dataclass(frozen=True)
class RoundResult:
    added: int  # teachers who joined the mentor pool
    flagged: int  # placements flagged: the certificate lapsed
    cleared: int  # flags cleared: the certificate was renewed

    @property
    def changed(self) -> int:
        return self.added + self.flagged + self.cleared


def refresh_all(at: datetime | None = None) -> RoundResult:
    """The whole round (set-based: one INSERT … SELECT and two UPDATEs); the caller commits."""
    added = sync_mentor_pool(at)
    flagged, cleared = refresh_renewal_flags(at)
    return RoundResult(added, flagged, cleared)


def on_certificate_changed(event: events.CertificateChanged) -> None:
    """One teacher's certificate changed: their pool entry and placement flags follow."""
    if event.course_id != certs.COURSE_ID:
        return
    db.session.flush()  # the certificate row the queries below read
    sync_mentor_pool(user_id=event.user_id)
    refresh_renewal_flags(user_id=event.user_id)


def renewal_task(app: Flask) -> int:
    """The worker's hook: the round once the interval has passed (per app and process; the
    first round runs when the worker starts). Rounds are idempotent, so two workers doing it
    the same day change nothing the second time."""
    interval = float(app.config.get("COORDINATION_RENEWAL_INTERVAL_SECONDS", DAY_SECONDS))
    now = time.monotonic()
    last = _last_round.get(id(app))
    if last is not None and now - last < interval:
        return 0
    _last_round[id(app)] = now
    result = refresh_all()
    db.session.commit()
    if result.changed:
        log.info(
            "renewal round",
            extra={
                "data": {
                    "added": result.added,
                    "flagged": result.flagged,
                    "cleared": result.cleared,
                }
            },
        )
    return result.changed


def register() -> None:
    from lms_plugin.lti.worker import add_background_task

    events.subscribe(events.CertificateChanged, on_certificate_changed)
    add_background_task(renewal_task)
