"""One worker at a time finds or creates a gradebook column (the two-process race is proven on
PostgreSQL in tests/scale/test_scale_out.py; here the claim's rules, in one process)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from lms_plugin.db import db, utcnow
from lms_plugin.lti.ags import LineItemSpec, queue_score
from lms_plugin.lti.ags_delivery import deliver_round
from lms_plugin.lti.column_claims import ColumnBeingCreated, claim_column
from lms_plugin.lti.outbox_models import SENT, WAITING, ColumnClaim, ScoreDelivery
from tests.lti.service_fixtures import Course
from tests.lti.stub_platform import StubPlatform

SPEC = LineItemSpec("mentor-30h", "progress", "Course progress", 100, may_create=True)


def _queue(course: Course) -> ScoreDelivery:
    row = queue_score(
        user_id=course.anna.id,
        context_pk=course.context.id,
        line_item=SPEC,
        score_given=40,
        score_maximum=100,
        activity_progress="InProgress",
        grading_progress="FullyGraded",
    )
    db.session.commit()
    return row


def test_a_second_claim_on_the_same_column_waits(course: Course) -> None:
    now = utcnow()
    claim_column(course.context.id, "mentor-30h", "progress", now)
    with pytest.raises(ColumnBeingCreated):
        claim_column(course.context.id, "mentor-30h", "progress", now)
    claim_column(course.context.id, "mentor-30h", "other-tag", now)  # another column is free


def test_a_score_waits_while_another_worker_creates_its_column(
    stub: StubPlatform, course: Course
) -> None:
    claim_column(course.context.id, "mentor-30h", "progress", utcnow())  # "another worker"
    row_id = _queue(course).id
    deliver_round()
    row = db.session.get_one(ScoreDelivery, row_id)
    assert row.status == WAITING and row.attempts == 0  # not an attempt, not a failure
    assert row.next_attempt_at is not None
    assert [i for i in stub.line_items.values() if i.get("resourceId") == "mentor-30h"] == []


def test_a_dead_workers_claim_is_taken_over_and_released(
    stub: StubPlatform, course: Course
) -> None:
    claim_column(course.context.id, "mentor-30h", "progress", utcnow() - timedelta(minutes=5))
    row_id = _queue(course).id
    deliver_round()
    assert db.session.get_one(ScoreDelivery, row_id).status == SENT
    created = [i for i in stub.line_items.values() if i.get("resourceId") == "mentor-30h"]
    assert len(created) == 1
    assert db.session.scalars(select(ColumnClaim)).all() == []  # released once the column is known
