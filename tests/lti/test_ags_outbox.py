"""The AGS outbox: what reaches the platform's gradebook, when, in which order, and what is kept."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from lms_plugin.db import db, utcnow
from lms_plugin.errors import DomainError
from lms_plugin.lti.ags import (
    LineItemSpec,
    delivery_status,
    list_deliveries,
    queue_score,
    retry_delivery,
)
from lms_plugin.lti.ags_delivery import deliver_round
from lms_plugin.lti.outbox_models import LineItem, ScoreDelivery
from tests.lti.service_fixtures import Course
from tests.lti.stub_platform import BASE, StubPlatform

ISO_MS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
LATER = timedelta(hours=2)


def _queue(course: Course, user_id: int, given: float | None = 8, **kw: object) -> ScoreDelivery:
    fields: dict[str, object] = {
        "user_id": user_id,
        "context_pk": course.context.id,
        "resource_link_pk": course.link.id,
        "line_item": None,
        "score_given": given,
        "score_maximum": 10,
        "activity_progress": "Completed",
        "grading_progress": "FullyGraded",
    }
    fields.update(kw)
    row = queue_score(**fields)  # type: ignore[arg-type]
    db.session.commit()
    return row


def _sent(stub: StubPlatform, url: str) -> list[dict[str, object]]:
    return stub.scores.get(url, [])


def test_score_reaches_the_launch_line_item(stub: StubPlatform, course: Course) -> None:
    row = _queue(course, course.anna.id, 8, comment="Well done")
    result = deliver_round()
    assert result.sent == [row.id]
    [score] = _sent(stub, course.link.lineitem_url or "")
    assert score["userId"] == course.anna.sub
    assert score["scoreGiven"] == 8 and score["scoreMaximum"] == 10
    assert score["activityProgress"] == "Completed" and score["gradingProgress"] == "FullyGraded"
    assert score["comment"] == "Well done"
    assert ISO_MS.match(str(score["timestamp"]))
    status = delivery_status(course.anna.id, course.context.id, None)
    assert status is not None and status.status == "sent" and status.sent_at is not None
    assert status.attempts == 1 and status.last_error is None


def test_named_line_item_is_created_once_then_reused(stub: StubPlatform, course: Course) -> None:
    spec = LineItemSpec("mentor-30h", "progress", "Course progress", 100, may_create=True)
    _queue(course, course.anna.id, 40, line_item=spec, score_maximum=100)
    _queue(course, course.bela.id, 10, line_item=spec, score_maximum=100)
    deliver_round()
    created = [i for i in stub.line_items.values() if i.get("resourceId") == "mentor-30h"]
    assert len(created) == 1
    item = created[0]
    assert (item["label"], item["scoreMaximum"], item["tag"]) == (
        "Course progress",
        100,
        "progress",
    )
    assert [s["userId"] for s in _sent(stub, str(item["id"]))] == [course.anna.sub, course.bela.sub]
    assert _sent(stub, course.link.lineitem_url or "") == []  # not the activity's own column
    posts = [url for method, url in stub.calls if method == "POST" and url == f"{BASE}/lineitems"]
    assert len(posts) == 1
    cached = db.session.scalar(select(LineItem).where(LineItem.resource_id == "mentor-30h"))
    assert cached is not None and cached.url == item["id"]
    status = delivery_status(course.bela.id, course.context.id, "mentor-30h")
    assert status is not None and status.status == "sent"


def test_existing_line_item_is_found_by_resource_id_and_tag(
    stub: StubPlatform, course: Course
) -> None:
    stub.add_line_item("Other", resourceId="mentor-30h", tag="attendance")
    existing = stub.add_line_item("Progress", resourceId="mentor-30h", tag="progress")
    spec = LineItemSpec("mentor-30h", "progress", "Course progress", 100, may_create=True)
    _queue(course, course.anna.id, 50, line_item=spec, score_maximum=100)
    assert deliver_round().sent
    assert len(_sent(stub, existing)) == 1
    assert not any(m == "POST" and u == f"{BASE}/lineitems" for m, u in stub.calls)
    gets = [u for m, u in stub.calls if m == "GET" and u.startswith(f"{BASE}/lineitems?")]
    assert gets and "resource_id=mentor-30h" in gets[0] and "tag=progress" in gets[0]


@pytest.mark.parametrize("outage", ["connection", 500])
def test_scores_survive_an_outage_and_arrive_in_order(
    stub: StubPlatform, course: Course, outage: str | int
) -> None:
    stub.down = outage
    first = _queue(course, course.anna.id, 3)
    second = _queue(course, course.bela.id, 4)
    result = deliver_round()
    assert sorted(result.retrying) == sorted([first.id, second.id])
    db.session.expire_all()
    for row in (first, second):
        assert row.status == "waiting" and row.attempts == 1
        assert row.last_error and row.next_attempt_at and row.next_attempt_at > utcnow()
    assert deliver_round().touched == 0  # backing off: nothing is due yet
    stub.down = None
    later = deliver_round(now=utcnow() + LATER)
    assert later.sent == [first.id, second.id]
    posted = [u for m, u in stub.calls if m == "POST" and u.endswith("/scores")]
    assert len(posted) >= 2
    assert [s["userId"] for s in _sent(stub, course.link.lineitem_url or "")] == [
        course.anna.sub,
        course.bela.sub,
    ]


def test_newer_waiting_score_supersedes_older_never_out_of_order(
    stub: StubPlatform, course: Course
) -> None:
    stub.down = "connection"
    old = _queue(course, course.anna.id, 3)
    deliver_round()
    new = _queue(course, course.anna.id, 9)
    stub.down = None
    result = deliver_round(now=utcnow() + LATER)
    assert result.sent == [new.id] and result.superseded == [old.id]
    assert [s["scoreGiven"] for s in _sent(stub, course.link.lineitem_url or "")] == [9]
    db.session.expire_all()
    assert old.status == "superseded" and str(new.id) in (old.last_error or "")
    with pytest.raises(DomainError):
        retry_delivery(new.id)  # sent: nothing to retry
    assert retry_delivery(old.id).status == "superseded"  # a newer score was sent


def test_timestamps_strictly_increase_within_one_millisecond(
    stub: StubPlatform, course: Course
) -> None:
    moment = utcnow()
    first = _queue(course, course.anna.id, 5)
    first.created_at = moment
    db.session.commit()
    deliver_round()
    second = _queue(course, course.anna.id, 6)
    second.created_at = moment  # queued in the same millisecond
    db.session.commit()
    result = deliver_round()
    assert result.sent == [second.id]  # the stub answers 409 otherwise, as Moodle does
    stamps = [str(s["timestamp"]) for s in _sent(stub, course.link.lineitem_url or "")]
    assert len(stamps) == 2 and stamps[0] < stamps[1]


def test_platform_with_a_newer_timestamp_gets_one_later_on_retry(
    stub: StubPlatform, course: Course
) -> None:
    row = _queue(course, course.anna.id, 7)
    url = course.link.lineitem_url or ""
    ahead = (row.created_at + timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    stub.scores[url] = [{"userId": course.anna.sub, "timestamp": ahead, "scoreGiven": 1}]
    assert deliver_round().retrying == [row.id]
    db.session.expire_all()
    assert row.last_http_status == 409 and row.status == "waiting"
    assert deliver_round(now=utcnow() + LATER).sent == [row.id]
    assert _sent(stub, url)[-1]["scoreGiven"] == 7


def test_teacher_scores_are_skipped_with_a_reason(stub: StubPlatform, course: Course) -> None:
    row = _queue(course, course.trainer.id, 10)
    result = deliver_round()
    assert result.skipped == [row.id]
    assert _sent(stub, course.link.lineitem_url or "") == []
    status = delivery_status(course.trainer.id, course.context.id, None)
    assert status is not None and status.status == "skipped"
    assert "trainer" in (status.last_error or "")


def test_gives_up_after_max_attempts_and_a_trainer_can_retry(
    app_ctx: object, stub: StubPlatform, course: Course
) -> None:
    from flask import current_app

    current_app.config["AGS_MAX_ATTEMPTS"] = 2
    try:
        stub.down = 503
        row = _queue(course, course.anna.id, 6)
        deliver_round()
        deliver_round(now=utcnow() + LATER)
        db.session.expire_all()
        assert row.status == "failed" and "gave up after 2 attempts" in (row.last_error or "")
        failed = list_deliveries(context_pk=course.context.id, statuses=("failed",))
        assert [d.id for d in failed] == [row.id] and failed[0].user_name == course.anna.name
        stub.down = None
        retry_delivery(row.id)
        db.session.commit()
        assert deliver_round().sent == [row.id]
    finally:
        current_app.config.pop("AGS_MAX_ATTEMPTS")


def test_activity_without_a_gradebook_column_fails_with_an_explanation(
    stub: StubPlatform, course: Course
) -> None:
    course.link.lineitem_url = None
    db.session.commit()
    row = _queue(course, course.anna.id, 6)
    assert deliver_round().failed == [row.id]
    db.session.expire_all()
    assert "no gradebook column" in (row.last_error or "")


def test_bad_input_is_refused_before_anything_is_stored(course: Course) -> None:
    with pytest.raises(DomainError):
        _queue(course, course.anna.id, 5, activity_progress="Done")
    db.session.rollback()
    with pytest.raises(DomainError):
        _queue(course, course.anna.id, 5, resource_link_pk=None)
    db.session.rollback()
    assert db.session.scalars(select(ScoreDelivery)).all() == []


def test_an_unexpected_error_is_stored_and_retried_later(
    stub: StubPlatform, course: Course, monkeypatch: pytest.MonkeyPatch
) -> None:
    from lms_plugin.lti import ags_delivery

    def broken(*args: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(ags_delivery, "score_timestamp", broken)
    row = _queue(course, course.anna.id, 6)
    assert deliver_round().retrying == [row.id]
    db.session.expire_all()
    assert row.status == "waiting" and row.attempts == 1 and row.locked_until is None
    assert "disk on fire" in (row.last_error or "")
    monkeypatch.undo()
    assert deliver_round(now=utcnow() + LATER).sent == [row.id]
