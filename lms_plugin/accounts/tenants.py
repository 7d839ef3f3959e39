"""Tenants: every platform issuer is one; who belongs to which, and who may manage which.

A platform's Administrator (a launch with the LTI administrator role) manages their own tenant
only: its registrations and its users. A tool administrator (`User.is_tool_admin`, granted with
`flask accounts grant-tool-admin`) manages every tenant.
"""

from __future__ import annotations

from sqlalchemy import Select, select

from lms_plugin.accounts.models import Role, User
from lms_plugin.db import db


def tenant_of(user: User) -> str | None:
    """The tenant a user belongs to: their issuer (users are identified by issuer + sub)."""
    return user.issuer


def user_ids(issuer: str | None) -> Select[int]:
    """Every user of the tenant, whichever registration they came through."""
    return select(User.id).where(User.issuer == issuer)


def same_tenant(user_id: int, issuer: str | None) -> bool:
    """True when the user belongs to the tenant."""
    user = db.session.get(User, user_id)
    return user is not None and issuer is not None and tenant_of(user) == issuer


def manages(admin: User, role: Role, issuer: str | None) -> bool:
    """May this administrator manage the tenant `issuer`? Tool administrators manage all."""
    if role != Role.ADMIN:
        return False
    if admin.is_tool_admin:
        return True
    return issuer is not None and tenant_of(admin) == issuer


def set_tool_admin(issuer: str, sub: str, granted: bool) -> list[User]:
    """Grant or revoke tool administration for a person (all registrations of the issuer).

    Revoking also ends the person's sessions. Flushes; the caller commits.
    """
    from lms_plugin.accounts.current import end_all_sessions
    from lms_plugin.errors import NotFound

    users = list(db.session.scalars(select(User).where(User.issuer == issuer, User.sub == sub)))
    if not users:
        raise NotFound(f"Nobody with user id {sub!r} has launched the tool from {issuer!r}.")
    for user in users:
        user.is_tool_admin = granted
        if not granted:
            end_all_sessions(user)
    db.session.flush()
    return users


def require_manages(issuer: str | None) -> None:
    """404 unless the current launch is an administrator of the tenant `issuer`."""
    from flask import abort

    from lms_plugin.accounts.current import require_launch

    launch = require_launch()
    if not manages(launch.user, launch.role, issuer):
        abort(404)
