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


def register() -> None:
    providers.provide("may_read_person", _may_read_person)
    providers.provide("coordinators_of", _coordinators_of)
