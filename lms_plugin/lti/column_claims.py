"""One worker at a time looks for or creates a course's gradebook column (see ColumnClaim)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError

from lms_plugin.db import db
from lms_plugin.lti.outbox_models import ColumnClaim
from lms_plugin.lti.tokens import ServiceError

CLAIM = timedelta(minutes=2)  # longer than a find + create (each platform call is bounded)
WAIT = timedelta(seconds=2)  # when another worker holds the claim, look again this much later


class ColumnBeingCreated(ServiceError):
    """Another worker is finding or creating this column right now: try again shortly."""

    def __init__(self) -> None:
        super().__init__("another worker is creating this gradebook column", retryable=True)


def claim_column(context_pk: int, resource_id: str, tag: str, now: datetime) -> None:
    """Take the claim (committed, so other workers see it) or raise ColumnBeingCreated."""
    try:
        with db.session.begin_nested():
            db.session.add(
                ColumnClaim(
                    context_pk=context_pk,
                    resource_id=resource_id,
                    tag=tag,
                    claimed_until=now + CLAIM,
                )
            )
        db.session.commit()
        return
    except IntegrityError:
        db.session.rollback()
    taken = db.session.execute(
        update(ColumnClaim)
        .where(
            ColumnClaim.context_pk == context_pk,
            ColumnClaim.resource_id == resource_id,
            ColumnClaim.tag == tag,
            ColumnClaim.claimed_until < now,
        )
        .values(claimed_until=now + CLAIM)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    if getattr(taken, "rowcount", 0) != 1:
        raise ColumnBeingCreated()


def release_column(context_pk: int, resource_id: str, tag: str) -> None:
    """Drop the claim (the caller commits)."""
    db.session.execute(
        delete(ColumnClaim).where(
            ColumnClaim.context_pk == context_pk,
            ColumnClaim.resource_id == resource_id,
            ColumnClaim.tag == tag,
        )
    )
