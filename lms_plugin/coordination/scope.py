"""What a coordinator may see: the programmes and training centres granted to them.

A coordinator sees the schools of the programmes (or single centres) an administrator granted
them, and the people attached to those schools; with no grant, nothing. A platform administrator
sees the programmes their tenant owns (`Programme.issuer`) and a tool administrator everything.
Every list, export and count of coordination (and certificates, submissions read by
coordinators) goes through `current_scope()`.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import has_request_context, request
from flask_babel import gettext as _
from sqlalchemy import Select, false, or_, select

from lms_plugin.accounts.current import CurrentLaunch, require_launch
from lms_plugin.accounts.models import Role, User
from lms_plugin.accounts.tenants import tenant_of, user_ids
from lms_plugin.coordination.models import (
    CoordinatorGrant,
    MentorProfile,
    Placement,
    Programme,
    School,
    TrainingCentre,
)
from lms_plugin.db import db
from lms_plugin.errors import NotFound

_CACHE = "lms_plugin.coordination_scope"


@dataclass(frozen=True)
class Scope:
    """Whole programmes and single centres in view; `everything` for tool administrators."""

    everything: bool = False
    tenant: str | None = None
    programme_ids: frozenset[int] = frozenset()
    centre_ids: frozenset[int] = frozenset()
    whole_tenant: bool = False  # a platform administrator: every person of the tenant

    @classmethod
    def from_params(cls, params: dict[str, object]) -> Scope:
        """Rebuild a scope saved with `params()` (background jobs run without a request)."""
        return cls(
            everything=bool(params.get("everything")),
            tenant=str(params["tenant"]) if params.get("tenant") else None,
            programme_ids=frozenset(int(i) for i in params.get("programme_ids") or []),  # type: ignore[attr-defined]
            centre_ids=frozenset(int(i) for i in params.get("centre_ids") or []),  # type: ignore[attr-defined]
            whole_tenant=bool(params.get("whole_tenant")),
        )

    def params(self) -> dict[str, object]:
        """The scope as JSON-able values."""
        return {
            "everything": self.everything,
            "tenant": self.tenant,
            "programme_ids": sorted(self.programme_ids),
            "centre_ids": sorted(self.centre_ids),
            "whole_tenant": self.whole_tenant,
        }

    @property
    def is_empty(self) -> bool:
        return not (self.everything or self.whole_tenant or self.programme_ids or self.centre_ids)

    def schools(self) -> Select[int]:
        """The ids of every school in scope."""
        if self.everything:
            return select(School.id)
        return select(School.id).where(
            or_(
                School.programme_id.in_(self.programme_ids or [-1]),
                School.centre_id.in_(self.centre_ids or [-1]),
            )
        )

    def programmes(self) -> Select[int]:
        """Programmes with anything in scope (a centre grant shows its programme)."""
        if self.everything:
            return select(Programme.id)
        return select(Programme.id).where(
            or_(
                Programme.id.in_(self.programme_ids or [-1]),
                Programme.id.in_(
                    select(TrainingCentre.programme_id).where(
                        TrainingCentre.id.in_(self.centre_ids or [-1])
                    )
                ),
            )
        )

    def centres_of(self, programme_id: int) -> frozenset[int] | None:
        """The centres of the programme in scope; None when the whole programme is."""
        if self.everything or programme_id in self.programme_ids:
            return None
        return frozenset(
            db.session.scalars(
                select(TrainingCentre.id).where(
                    TrainingCentre.programme_id == programme_id,
                    TrainingCentre.id.in_(self.centre_ids or [-1]),
                )
            )
        )

    def mentors(self) -> Select[int]:
        """Mentors at a school in scope (home or placement); the tenant's unschooled ones."""
        if self.everything:
            return select(MentorProfile.id)
        if self.is_empty:
            return select(MentorProfile.id).where(false())
        schools = self.schools()
        return select(MentorProfile.id).where(
            or_(
                MentorProfile.home_school_id.in_(schools),
                MentorProfile.id.in_(
                    select(Placement.mentor_id).where(Placement.school_id.in_(schools))
                ),
                (MentorProfile.home_school_id.is_(None))
                & MentorProfile.user_id.in_(user_ids(self.tenant)),
            )
        )

    def users(self) -> Select[int] | None:
        """Teachers in scope (None: everyone): mentors in scope, and the tenant's teachers whose
        school is not recorded yet."""
        if self.everything:
            return None
        if self.whole_tenant:
            return user_ids(self.tenant)
        if self.is_empty:
            return select(User.id).where(false())
        schooled = select(MentorProfile.user_id).where(MentorProfile.home_school_id.is_not(None))
        return select(User.id).where(
            or_(
                User.id.in_(
                    select(MentorProfile.user_id).where(MentorProfile.id.in_(self.mentors()))
                ),
                User.id.in_(user_ids(self.tenant)) & User.id.not_in(schooled),
            )
        )

    def sees_programme(self, programme_id: int) -> bool:
        if self.everything or programme_id in self.programme_ids:
            return True
        return bool(self.centres_of(programme_id))

    def sees_school(self, school: School) -> bool:
        return (
            self.everything
            or school.programme_id in self.programme_ids
            or school.centre_id in self.centre_ids
        )

    def sees_mentor(self, mentor_id: int) -> bool:
        return bool(
            db.session.scalar(
                select(MentorProfile.id).where(
                    MentorProfile.id == mentor_id, MentorProfile.id.in_(self.mentors())
                )
            )
        )

    def sees_user(self, user_id: int) -> bool:
        users = self.users()
        if users is None:
            return True
        return bool(
            db.session.scalar(select(User.id).where(User.id == user_id, User.id.in_(users)))
        )


def scope_of(launch: CurrentLaunch) -> Scope:
    """The scope of this launch, read from the database (grants change on the next request)."""
    user = launch.user
    if launch.is_tool_admin:
        return Scope(everything=True)
    if not launch.is_coordinator:
        return Scope()
    tenant = tenant_of(user)
    programme_ids: set[int] = set()
    centre_ids: set[int] = set()
    if user.is_coordinator or launch.role == Role.ADMIN:
        for programme_id, centre_id in db.session.execute(
            select(CoordinatorGrant.programme_id, CoordinatorGrant.centre_id).where(
                CoordinatorGrant.user_id == user.id
            )
        ):
            if centre_id is None:
                programme_ids.add(programme_id)
            else:
                centre_ids.add(centre_id)
    if launch.role == Role.ADMIN and tenant is not None:
        programme_ids.update(
            db.session.scalars(select(Programme.id).where(Programme.issuer == tenant))
        )
    return Scope(
        tenant=tenant,
        programme_ids=frozenset(programme_ids),
        centre_ids=frozenset(centre_ids),
        whole_tenant=launch.role == Role.ADMIN and tenant is not None,
    )


def current_scope() -> Scope:
    """The scope of the current request's launch (computed once per request)."""
    cache = request.environ if has_request_context() else {}
    if _CACHE not in cache:
        cache[_CACHE] = scope_of(require_launch())
    found: Scope = cache[_CACHE]
    return found


def require_programme(programme: Programme) -> Programme:
    """The programme if in scope, else NotFound (as if it did not exist)."""
    if not current_scope().sees_programme(programme.id):
        raise NotFound(_("This programme does not exist."))
    return programme


def require_school(school: School) -> School:
    if not current_scope().sees_school(school):
        raise NotFound(_("This school does not exist."))
    return school


def administrators_of(tenant: str | None) -> list[str]:
    """Names of the tenant's administrators (whom a coordinator without a grant should ask)."""
    if tenant is None:
        return []
    return [
        n or "?"
        for n in db.session.scalars(
            select(User.name)
            .where(User.is_admin.is_(True), User.id.in_(user_ids(tenant)))
            .order_by(User.name)
            .limit(5)
        )
    ]


def may_read_person(launch: CurrentLaunch, user_id: int) -> bool:
    """May this administrator or coordinator read the person's work and certificates?

    Tool administrators: anyone. A platform administrator: people of their own tenant.
    A coordinator: people in their scope (see `Scope.users`). Everyone else: no.
    """
    if launch.is_tool_admin:
        return True
    if launch.role == Role.ADMIN:
        person = db.session.get(User, user_id)
        return person is not None and tenant_of(person) == launch.tenant
    if launch.is_coordinator:
        return current_scope().sees_user(user_id) if has_request_context() else False
    return False
