"""Map LTI roles (URIs or short names) to the tool's roles; only the signed roles claim counts."""

from __future__ import annotations

from collections.abc import Iterable

from lms_plugin.accounts.models import Role

LIS = "http://purl.imsglobal.org/vocab/lis/v2/"
# Platform administrators: system and institution roles (Moodle sends both for a site admin).
_ADMIN_URIS = {
    LIS + "system/person#administrator",
    LIS + "system/person#sysadmin",
    LIS + "institution/person#administrator",
}
_TRAINER = {"instructor", "teachingassistant"}
_LEARNER = {"learner"}


def short_name(role: str) -> str:
    """`http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor` → `instructor`."""
    tail = role.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
    return tail.lower()


def _is_context_role(role: str) -> bool:
    """Context (membership) roles: full membership URIs and the short names LTI allows."""
    lowered = role.lower()
    return lowered.startswith(LIS + "membership") or ("/" not in role and "#" not in role)


def is_admin_role(roles: Iterable[str]) -> bool:
    """Platform administrators (system or institution role, never a context role)."""
    return any(r.strip().lower() in _ADMIN_URIS for r in roles)


def context_role(roles: Iterable[str]) -> Role | None:
    """The tool role for a context membership: trainer beats trainee; None when neither.

    Instructor sub-roles (`membership/Instructor#TeachingAssistant`) and the context
    Administrator count as trainers.
    """
    context = [r.strip() for r in roles if _is_context_role(r.strip())]
    names = {short_name(r) for r in context}
    if names & (_TRAINER | {"administrator"}) or any(
        "/membership/instructor#" in r.lower() for r in context
    ):
        return Role.TRAINER
    if names & _LEARNER or any("/membership/learner#" in r.lower() for r in context):
        return Role.TRAINEE
    return None
