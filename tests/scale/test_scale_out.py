"""Scale-out promises (issue 20, item 6) on two instances and two workers sharing PostgreSQL and
Redis: two workers racing over one outbox deliver every score exactly once (one gradebook column
per activity, one score per person and column), and killing an instance loses no session, not
even a login half done on it. The throughput ratio is measured in bench/scale_out.py.
"""

from __future__ import annotations

import time
from collections import Counter

import pytest
from flask import Flask
from sqlalchemy import func, select

from lms_plugin.accounts.models import LmsContext, User
from lms_plugin.db import db
from lms_plugin.lti.ags import LineItemSpec, queue_score
from lms_plugin.lti.outbox_models import SENT, WAITING, ScoreDelivery
from lms_plugin.practice.models import PracticeLineItem, PracticeScore
from tests.scale.cluster import Browser, Cluster, practice_link

pytestmark = pytest.mark.postgres
ACTIVITIES = 25


def _landing(browser: Browser, instance: int, location: str) -> str:
    page = browser.go(instance, "GET", location)
    if page.status_code in (302, 303):
        page = browser.go(instance, "GET", page.headers["Location"])
    assert page.status_code == 200, page.text[:500]
    return page.text


def test_two_workers_deliver_every_score_exactly_once(app: Flask, cluster: Cluster) -> None:
    link = practice_link(app)
    for who in ("anna", "peter"):  # real launches: the course, its AGS endpoints, the people
        browser = Browser(cluster)
        _landing(browser, 1, browser.launch(who, link, login_on=0, launch_on=1).headers["Location"])
    with app.app_context():
        context = db.session.scalars(select(LmsContext)).one()
        people = list(db.session.scalars(select(User).where(User.sub.in_(("4", "5")))))
        assert len(people) == 2 and context.lineitems_url
        for n in range(ACTIVITIES):
            for person in people:
                queue_score(
                    user_id=person.id,
                    context_pk=context.id,
                    line_item=LineItemSpec(
                        f"scale-out-{n}", "assignment", f"Activity {n}", 10, may_create=True
                    ),
                    score_given=float(n % 10),
                    score_maximum=10,
                    activity_progress="Completed",
                    grading_progress="FullyGraded",
                )
        db.session.commit()
        queued = len(people) * ACTIVITIES
        db.session.remove()

    cluster.start_workers(2)  # both find the whole outbox due at once and race for every pair
    deadline = time.monotonic() + 120
    with app.app_context():
        while True:
            waiting = db.session.scalar(
                select(func.count())
                .select_from(ScoreDelivery)
                .where(ScoreDelivery.status == WAITING)
            )
            db.session.rollback()
            if waiting == 0 or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        cluster.stop_workers()
        statuses = Counter(db.session.scalars(select(ScoreDelivery.status)))
        columns = Counter(
            db.session.scalars(
                select(PracticeLineItem.resource_id).where(
                    PracticeLineItem.resource_id.like("scale-out-%")
                )
            )
        )
        posted = Counter(
            db.session.execute(
                select(PracticeScore.line_item_id, PracticeScore.user_sub)
                .join(PracticeLineItem, PracticeLineItem.id == PracticeScore.line_item_id)
                .where(PracticeLineItem.resource_id.like("scale-out-%"))
            ).all()
        )
        db.session.remove()
    assert statuses == {SENT: queued}, statuses
    assert len(columns) == ACTIVITIES and set(columns.values()) == {1}, columns  # one column each
    assert len(posted) == queued, len(posted)  # every person's score in every column …
    assert set(posted.values()) == {1}, [k for k, v in posted.items() if v > 1]  # … sent once


def test_killing_an_instance_loses_no_session(app: Flask, cluster: Cluster) -> None:
    link = practice_link(app)
    anna = Browser(cluster)
    location = anna.launch("anna", link, login_on=0, launch_on=0).headers["Location"]
    assert "Anna" in _landing(anna, 0, location)

    # Péter's OIDC login is stored by instance 0, which then dies before the platform answers.
    peter = Browser(cluster)
    launch = peter.launch(
        "peter", link, login_on=0, launch_on=1, platform_on=1, between=lambda: cluster.kill(0)
    )
    assert "Péter" in _landing(peter, 1, launch.headers["Location"])

    progress = anna.go(1, "GET", "/progress/")  # Anna goes on, on the instance left
    assert progress.status_code == 200 and "Anna" in progress.text
