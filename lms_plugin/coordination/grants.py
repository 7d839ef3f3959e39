"""Coordinator grants: which programmes and training centres a coordinator works on."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from lms_plugin.accounts.current import end_all_sessions
from lms_plugin.accounts.models import User
from lms_plugin.coordination.models import CoordinatorGrant, Programme, TrainingCentre
from lms_plugin.db import db
from lms_plugin.errors import NotFound


def grants_of(user_ids: list[int]) -> dict[int, list[CoordinatorGrant]]:
    """Every grant of these users (one query), by user id."""
    found: dict[int, list[CoordinatorGrant]] = {i: [] for i in user_ids}
    for grant in db.session.scalars(
        select(CoordinatorGrant)
        .where(CoordinatorGrant.user_id.in_(user_ids))
        .options(joinedload(CoordinatorGrant.programme), joinedload(CoordinatorGrant.centre))
        .order_by(CoordinatorGrant.id)
    ):
        found[grant.user_id].append(grant)
    return found


def _grant(user: User, programme: Programme, centre: TrainingCentre | None, by: User) -> None:
    existing = db.session.scalar(
        select(CoordinatorGrant).where(
            CoordinatorGrant.user_id == user.id,
            CoordinatorGrant.programme_id == programme.id,
            CoordinatorGrant.centre_id.is_(None)
            if centre is None
            else CoordinatorGrant.centre_id == centre.id,
        )
    )
    if existing is None:
        db.session.add(
            CoordinatorGrant(
                user_id=user.id,
                programme_id=programme.id,
                centre_id=centre.id if centre else None,
                granted_by_id=by.id,
            )
        )
    db.session.flush()


def grant_programme(user: User, programme: Programme, *, by: User) -> None:
    """The whole programme (flush)."""
    _grant(user, programme, None, by)


def grant_centre(user: User, centre: TrainingCentre, *, by: User) -> None:
    """One training centre of a programme (flush)."""
    _grant(user, centre.programme, centre, by)


def revoke_grant(grant_id: int, user: User) -> None:
    """Take one grant away from `user`; their sessions end (flush)."""
    grant = db.session.get(CoordinatorGrant, grant_id)
    if grant is None or grant.user_id != user.id:
        raise NotFound(_("There is no such grant."))
    db.session.delete(grant)
    end_all_sessions(user)
    db.session.flush()


def programmes_of_tenant(issuer: str | None, everything: bool) -> list[Programme]:
    """Programmes an administrator may grant: their tenant's (all for tool administrators)."""
    query = select(Programme).order_by(Programme.id.desc())
    if not everything:
        query = query.where(Programme.issuer == issuer)
    return list(db.session.scalars(query))
