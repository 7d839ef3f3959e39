"""What coordination answers for the features below it: whether an administrator or coordinator
may read a person's records (their tenant and their programme/centre scope)."""

from __future__ import annotations

from typing import Any

from lms_plugin import providers


def _may_read_person(launch: Any, user_id: int) -> bool:
    from lms_plugin.coordination.scope import may_read_person

    return bool(may_read_person(launch, user_id))


def _coordinators_of(mentor_user_id: int) -> list[int]:
    from sqlalchemy import or_, select

    from lms_plugin.coordination.models import CoordinatorGrant, MentorProfile, School
    from lms_plugin.db import db

    school = db.session.execute(
        select(School.programme_id, School.centre_id)
        .join(MentorProfile, MentorProfile.home_school_id == School.id)
        .where(MentorProfile.user_id == mentor_user_id)
    ).first()
    if school is None:
        return []
    programme_id, centre_id = school
    return list(
        db.session.scalars(
            select(CoordinatorGrant.user_id)
            .where(
                CoordinatorGrant.programme_id == programme_id,
                or_(CoordinatorGrant.centre_id.is_(None), CoordinatorGrant.centre_id == centre_id),
            )
            .distinct()
        )
    )


def _viewer_scope() -> dict[str, object] | None:
    from lms_plugin.coordination.scope import current_scope

    return current_scope().params()


def _users_in_scope(params: dict[str, object]) -> Any:
    from lms_plugin.coordination.scope import Scope

    return Scope.from_params(params).users()


def _users_of_organisation(school_id: int | None, centre_id: int | None) -> Any:
    from lms_plugin.coordination.certs import users_of_organisation

    return users_of_organisation(school_id=school_id, centre_id=centre_id)


def _home_schools(user_ids: list[int]) -> dict[int, str]:
    from sqlalchemy import select

    from lms_plugin.coordination.models import MentorProfile, School
    from lms_plugin.db import db

    rows = db.session.execute(
        select(MentorProfile.user_id, School.name, School.municipality)
        .join(School, School.id == MentorProfile.home_school_id)
        .where(MentorProfile.user_id.in_(user_ids))
    )
    return {user_id: f"{name}, {town}" for user_id, name, town in rows}


def register() -> None:
    from lms_plugin.coordination.mentors import renewal_job

    renewal_job.register()  # flags and pool follow certificate changes; daily round in the worker
    providers.provide("viewer_scope", _viewer_scope)
    providers.provide("users_in_scope", _users_in_scope)
    providers.provide("users_of_organisation", _users_of_organisation)
    providers.provide("home_schools", _home_schools)
    providers.provide("may_read_person", _may_read_person)
    providers.provide("coordinators_of", _coordinators_of)
