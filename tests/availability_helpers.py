"""Open modules for a trainee as a trainer's exception would (tests of what lies behind them)."""

from __future__ import annotations

from flask.testing import FlaskClient

from lms_plugin.courses.content import get_course
from lms_plugin.courses.models import AvailabilityException
from lms_plugin.db import db


def open_modules(user_id: int, *module_ids: str, course_id: str = "mentor-30h") -> None:
    """Record a trainer's exception for these modules (all core modules when none are named)."""
    ids = module_ids or tuple(m.id for m in get_course(course_id).core_modules)
    for module_id in ids:
        db.session.add(
            AvailabilityException(
                user_id=user_id, course_id=course_id, module_id=module_id, reason="test setup"
            )
        )
    db.session.flush()


def open_modules_for_session(client: FlaskClient, *module_ids: str) -> None:
    """Open modules for whoever the client is launched as (after a real practice launch)."""
    with client.session_transaction() as sess:
        user_id = int(sess["_user_id"])
    open_modules(user_id, *module_ids)
    db.session.commit()
