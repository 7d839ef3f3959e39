"""A lost race is a 409 that says what happened, never a 500.

Two requests that create the same thing at the same moment both pass the "does it exist?" check;
the database's unique constraint refuses the second. Services that can say more precisely what
happened raise `Conflict` themselves; this handler is the net under every other write.
"""

from __future__ import annotations

import logging

from flask import Blueprint, Response, request
from flask_babel import gettext as _
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from lms_plugin.db import db
from lms_plugin.errors import error_response

log = logging.getLogger("lms_plugin.ops")

# PostgreSQL: serialization_failure, deadlock_detected, lock_not_available.
_RETRYABLE_PG = {"40001", "40P01", "55P03"}


def is_lost_race(err: BaseException) -> bool:
    """A unique/foreign-key refusal, a deadlock or a lock wait that ran out."""
    if isinstance(err, IntegrityError):
        return True
    if isinstance(err, DBAPIError):
        code = getattr(err.orig, "sqlstate", None) or getattr(err.orig, "pgcode", None)
        if code in _RETRYABLE_PG:
            return True
        return isinstance(err, OperationalError) and "database is locked" in str(err.orig)
    return False


def _what_happened(err: BaseException) -> str:
    """The sentence for the record the race was about (the table named in the refusal)."""
    detail = str(getattr(err, "orig", err))
    messages = {
        "module_overrides": _(
            "Someone else marked this module complete for this trainee at the same moment. "
            "It is marked complete once; open the trainee's page to see who did it and why."
        ),
        "attendances": _(
            "Someone else recorded attendance at this workshop for this trainee at the same "
            "moment. Open the trainee's page to see what is recorded, and change it if needed."
        ),
        "banned_pairs": _(
            "This pair was banned by someone else at the same moment. It stays banned."
        ),
        "placements": _(
            "Someone else placed this mentor at this school at the same moment. "
            "The mentor is placed there once."
        ),
        "helper_links": _(
            "Someone else linked this helper at the same moment. "
            "Open the helper's page to see the link that was kept."
        ),
        "quiz_attempts": _(
            "This attempt was already sent (perhaps from another tab). Open the results below."
        ),
    }
    for table, message in messages.items():
        if table in detail:
            return message
    return _(
        "Someone else (or another tab of yours) saved a change to the same record at the same "
        "moment, and theirs was first. Nothing of yours was half-saved: open the page again "
        "to see what is stored now, then repeat your change if it is still needed."
    )


def conflict_response(err: BaseException | None = None) -> Response:
    """The page (or JSON) for a change another request made first."""
    return error_response(
        409,
        _("Someone else changed this first"),
        _what_happened(err) if err is not None else _what_happened(Exception()),
        code="conflict",
    )


def register(bp: Blueprint) -> None:
    """Install the app-wide handlers through the ops blueprint."""

    @bp.app_errorhandler(IntegrityError)
    @bp.app_errorhandler(OperationalError)
    @bp.app_errorhandler(DBAPIError)
    def _lost_race(err: DBAPIError) -> Response:
        db.session.rollback()
        if not is_lost_race(err):
            raise err
        log.info("lost race answered 409", extra={"data": {"path": request.path}})
        return conflict_response(err)
