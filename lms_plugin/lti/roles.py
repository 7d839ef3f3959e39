"""Map LTI roles (full URIs or Moodle's short names) to the tool's roles."""

from __future__ import annotations

from collections.abc import Iterable

from lms_plugin.accounts.models import Role

_ADMIN = {"administrator", "sysadmin", "systemadministrator"}
_TRAINER = {"instructor", "teachingassistant", "contentdeveloper", "mentor", "manager"}
_LEARNER = {"learner", "student"}


def short_name(role: str) -> str:
    """`http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor` → `instructor`."""
    tail = role.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
    return tail.lower()


def is_admin_role(roles: Iterable[str]) -> bool:
    """Platform administrators (system or institution role)."""
    return any(short_name(r) in _ADMIN for r in roles)


def context_role(roles: Iterable[str]) -> Role | None:
    """The tool role for a context membership: trainer beats trainee; None when neither."""
    names = {short_name(r) for r in roles}
    if names & _TRAINER or any("membership/instructor#" in r.lower() for r in roles):
        return Role.TRAINER
    if names & _LEARNER:
        return Role.TRAINEE
    return None
