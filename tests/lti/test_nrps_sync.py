"""Roster sync (NRPS): paging in Moodle's Link forms, roles, roster-only members, departures."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from lms_plugin.accounts.models import Membership, User
from lms_plugin.db import db, utcnow
from lms_plugin.lti.cli_group import lti_group
from lms_plugin.lti.nrps import sync_after_launch, sync_roster
from lms_plugin.lti.paging import next_link
from tests.lti.service_fixtures import Course
from tests.lti.stub_platform import StubPlatform

INSTRUCTOR_URI = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
LEARNER_URI = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"


def _roster(stub: StubPlatform) -> None:
    stub.members = [
        {"user_id": "2", "roles": ["Instructor"], "name": "Trainer Teri"},
        {"user_id": "31", "roles": ["Learner"], "name": "Anna Kovács"},
        {
            "user_id": "40",
            "roles": ["Learner"],
            "given_name": "Dóra",
            "family_name": "Nagy",
            "email": "dora@example.test",
        },
        {"user_id": "41", "roles": [LEARNER_URI], "name": "Ede Tóth"},
        {"user_id": "42", "roles": [INSTRUCTOR_URI], "name": "Co-trainer"},
    ]


def _membership(course: Course, sub: str) -> Membership:
    user = db.session.scalar(
        select(User).where(User.platform_id == course.platform.id, User.sub == sub)
    )
    assert user is not None, f"user {sub} missing"
    membership = db.session.scalar(
        select(Membership).where(
            Membership.context_pk == course.context.id, Membership.user_id == user.id
        )
    )
    assert membership is not None
    return membership


@pytest.mark.parametrize("style", ["moodle", "bare", "standard"])
def test_every_page_is_read_whatever_the_link_form(
    stub: StubPlatform, course: Course, style: str
) -> None:
    _roster(stub)
    stub.link_style = style
    result = sync_roster(course.context.id)
    db.session.commit()
    assert result.error is None
    assert result.pages == 3 and result.members == 5
    assert _membership(course, "42").role == "trainer"  # on the last page


def test_roster_only_members_appear_with_roles_and_least_data(
    stub: StubPlatform, course: Course
) -> None:
    _roster(stub)
    result = sync_roster(course.context.id)
    db.session.commit()
    assert result.users_created == 3 and result.memberships_added == 3
    dora = _membership(course, "40")
    assert (dora.role, dora.source, dora.has_launched, dora.is_active) == (
        "trainee",
        "roster",
        False,
        True,
    )
    assert dora.user.display_name == "Nagy Dóra" and dora.user.email == "dora@example.test"
    assert _membership(course, "41").role == "trainee"  # full URI
    assert _membership(course, "42").role == "trainer"
    anna = _membership(course, "31")  # launched before: kept as a launch membership
    assert (anna.source, anna.has_launched) == ("launch", True)
    assert anna.user.name == "Anna Kovács"
    db.session.refresh(course.context)
    assert course.context.roster_synced_at is not None


def test_members_who_left_become_inactive_and_come_back(stub: StubPlatform, course: Course) -> None:
    _roster(stub)  # Béla (32) is not on it
    result = sync_roster(course.context.id)
    db.session.commit()
    assert result.deactivated == 1
    assert _membership(course, "32").is_active is False
    stub.members.append({"user_id": "32", "roles": ["Learner"]})
    stub.members = [m for m in stub.members if m["user_id"] != "41"]
    again = sync_roster(course.context.id)
    db.session.commit()
    assert _membership(course, "32").is_active is True
    assert _membership(course, "41").is_active is False
    assert again.users_created == 0


def test_platform_down_changes_nothing(stub: StubPlatform, course: Course) -> None:
    _roster(stub)
    stub.down = "connection"
    result = sync_roster(course.context.id)
    assert result.error and "unreachable" in result.error
    db.session.commit()
    assert _membership(course, "32").is_active is True
    db.session.refresh(course.context)
    assert course.context.roster_synced_at is None


def test_cli_sync_roster(app_ctx: Flask, stub: StubPlatform, course: Course) -> None:
    _roster(stub)
    runner = app_ctx.test_cli_runner()
    out = runner.invoke(lti_group, ["sync-roster", "--context-pk", str(course.context.id)])
    assert out.exit_code == 0, out.output
    assert "5 members on 3 page(s)" in out.output
    assert runner.invoke(lti_group, ["sync-roster", "--all"]).exit_code == 0
    assert runner.invoke(lti_group, ["sync-roster"]).exit_code != 0
    stub.down = 500
    failed = runner.invoke(lti_group, ["sync-roster", "--all"])
    assert failed.exit_code == 1 and "FAILED" in failed.output


def test_trainer_launch_syncs_after_the_response_at_most_every_interval(
    app_ctx: Flask, stub: StubPlatform, course: Course
) -> None:
    _roster(stub)
    with app_ctx.test_request_context("/lti/launch", method="POST"):
        assert sync_after_launch(course.context.id) is True
        assert sync_after_launch(course.context.id) is False  # throttled
        response = app_ctx.process_response(app_ctx.make_response("launched"))
    assert stub.calls == []  # nothing before the response is sent
    response.close()
    db.session.expire_all()
    assert _membership(course, "40").source == "roster"
    with app_ctx.test_request_context("/lti/launch", method="POST"):
        assert sync_after_launch(course.context.id) is False  # synced just now
    course.context.roster_synced_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    from lms_plugin.extensions import cache

    cache.clear()
    with app_ctx.test_request_context("/lti/launch", method="POST"):
        assert sync_after_launch(course.context.id) is True


def test_failed_background_sync_is_swallowed(
    app_ctx: Flask, stub: StubPlatform, course: Course
) -> None:
    stub.down = "connection"
    with app_ctx.test_request_context("/lti/launch", method="POST"):
        assert sync_after_launch(course.context.id) is True
        response = app_ctx.process_response(app_ctx.make_response("launched"))
    response.close()  # must not raise
    assert stub.calls


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("<https://m.test/memberships?page=2>;rel=next", "https://m.test/memberships?page=2"),
        ("https://m.test/memberships?page=2;rel=next", "https://m.test/memberships?page=2"),
        ('https://m.test/m?a=1&b=2; rel="next"', "https://m.test/m?a=1&b=2"),
        (
            '<https://m.test/m?p=1>; rel="first", <https://m.test/m?p=3>; rel="next"',
            "https://m.test/m?p=3",
        ),
        ('<https://m.test/m?p=1>; rel="prev"', None),
        ("", None),
        ("</m?page=2>;rel=next", "https://m.test/m?page=2"),
    ],
)
def test_next_link_forms(header: str, expected: str | None) -> None:
    assert next_link({"Link": header}, "https://m.test/m") == expected
