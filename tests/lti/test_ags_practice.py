"""End to end against the practice LMS: real launches, scores in its gradebook, its roster."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from lms_plugin.accounts.models import LmsContext, Membership, ResourceLink, User
from lms_plugin.db import db
from lms_plugin.lti.ags import LineItemSpec, delivery_status, list_deliveries, queue_score
from lms_plugin.lti.ags_delivery import deliver_round
from lms_plugin.lti.nrps import sync_roster
from tests.practice_platform import PracticeLms, launch_as


def _https(app: Flask) -> FlaskClient:
    client = app.test_client()
    client.environ_base["wsgi.url_scheme"] = "https"
    return client


def _course(lms: PracticeLms) -> tuple[LmsContext, ResourceLink]:
    platform = lms.platform()
    context = db.session.scalar(select(LmsContext).where(LmsContext.platform_id == platform.id))
    assert context is not None and context.lineitems_url and context.memberships_url
    link = db.session.scalar(
        select(ResourceLink)
        .where(ResourceLink.context_pk == context.id, ResourceLink.lineitem_url.is_not(None))
        .order_by(ResourceLink.id)
    )
    assert link is not None
    return context, link


def _user(lms: PracticeLms, sub: str) -> User:
    user = db.session.scalar(
        select(User).where(User.platform_id == lms.platform().id, User.sub == sub)
    )
    assert user is not None
    return user


def _grade_cells(html: str) -> list[str]:
    return re.findall(r'<strong class="practice-grade">([^<]+)</strong>', html)


def test_score_reaches_the_practice_gradebook(app: Flask, practice_lms: PracticeLms) -> None:
    browser = _https(app)
    assert launch_as(browser, "anna", target="course").status_code == 200
    with app.app_context():
        context, link = _course(practice_lms)
        anna = _user(practice_lms, "4")
        queue_score(
            user_id=anna.id,
            context_pk=context.id,
            resource_link_pk=link.id,
            line_item=None,
            score_given=7,
            score_maximum=10,
            activity_progress="Completed",
            grading_progress="FullyGraded",
            comment="Module passed",
        )
        spec = LineItemSpec("mentor-30h", "progress", "Course progress", 100, may_create=True)
        queue_score(
            user_id=anna.id,
            context_pk=context.id,
            line_item=spec,
            score_given=40,
            score_maximum=100,
            activity_progress="InProgress",
            grading_progress="FullyGraded",
        )
        db.session.commit()
        result = deliver_round()
        assert len(result.sent) == 2, [d.last_error for d in list_deliveries(context_pk=context.id)]
        status = delivery_status(anna.id, context.id, "mentor-30h")
        assert status is not None and status.status == "sent"
    page = _https(app).get("https://tool.test/practice/gradebook").get_data(as_text=True)
    assert "Course progress" in page and "Module passed" in page
    assert "40" in "".join(_grade_cells(page))


def test_trainer_scores_are_not_sent_to_the_practice_gradebook(
    app: Flask, practice_lms: PracticeLms
) -> None:
    browser = _https(app)
    assert launch_as(browser, "eva", target="course").status_code == 200
    with app.app_context():
        context, link = _course(practice_lms)
        eva = _user(practice_lms, "3")
        row = queue_score(
            user_id=eva.id,
            context_pk=context.id,
            resource_link_pk=link.id,
            line_item=None,
            score_given=10,
            score_maximum=10,
            activity_progress="Completed",
            grading_progress="FullyGraded",
        )
        db.session.commit()
        assert deliver_round().skipped == [row.id]


def test_trainer_launch_brings_in_the_roster(app: Flask, practice_lms: PracticeLms) -> None:
    browser = _https(app)
    assert (
        launch_as(browser, "eva", target="course").status_code == 200
    )  # the sync runs after that response
    with app.app_context():
        context, _link = _course(practice_lms)
        assert context.roster_synced_at is not None
        judit = _user(practice_lms, "11")  # never launched
        membership = db.session.scalar(
            select(Membership).where(
                Membership.context_pk == context.id, Membership.user_id == judit.id
            )
        )
        assert membership is not None
        assert (membership.role, membership.source, membership.has_launched) == (
            "trainee",
            "roster",
            False,
        )
        eva = db.session.scalar(
            select(Membership).where(
                Membership.context_pk == context.id,
                Membership.user_id == _user(practice_lms, "3").id,
            )
        )
        assert eva is not None and eva.role == "trainer" and eva.has_launched
        result = sync_roster(context.id)  # the CLI path, paging through every page
        db.session.commit()
        assert result.error is None and result.members >= 10 and result.users_created == 0
