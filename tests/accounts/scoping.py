"""Test helper: give a coordinator a programme of their own tenant to coordinate."""

from __future__ import annotations

from datetime import date

from lms_plugin.accounts.models import User
from lms_plugin.accounts.tenants import tenant_of
from lms_plugin.coordination.models import CoordinatorGrant, Programme
from lms_plugin.db import db


def grant_a_programme(user: User, name: str = "Programme of the tenant") -> Programme:
    """A programme owned by the user's tenant, granted to the user (flush)."""
    programme = Programme(name=name, year_ends_on=date(2030, 6, 30), issuer=tenant_of(user))
    db.session.add(programme)
    db.session.flush()
    db.session.add(CoordinatorGrant(user_id=user.id, programme_id=programme.id))
    db.session.flush()
    return programme
