"""Query counts of the hot pages: a regression (an N+1, a re-read) fails here, not in a benchmark.

The limits are today's counts on SQLite (PostgreSQL sends the same statements); a change that adds
a statement to one of these pages has to raise its limit here and say why.
"""

from __future__ import annotations

import time

from flask import Flask
from flask.testing import FlaskClient

from lms_plugin.accounts.models import Role
from lms_plugin.courses.content import all_courses
from lms_plugin.db import db
from lms_plugin.lti import launch as launch_module
from tests.conftest import Factory, login
from tests.lti.launch_platform import LaunchPlatform
from tests.performance.conftest import Statements, count_queries

LOGIN_MAX = 3  # the active platform, the deployment, the frame-ancestors origins
LAUNCH_MAX = 10  # platform, deployment, nonce, user (+update), context, membership, link (+ its
# gradebook column when Moodle sends one), the frame-ancestors origins
HOME_MAX = 10  # user, the progress snapshot (progress/snapshot.py), certificate, assignments,
# evaluation, context, lessons of the continue link, the journal panel (2), CSP origins
LESSON_MAX = 9  # user, the progress snapshot, exceptions, enrolment, lesson row, lesson time,
# the journal panel (2), CSP origins


def _launch(
    app: Flask, tool: FlaskClient, moodle: LaunchPlatform
) -> tuple[Statements, Statements, Statements]:
    """Statements of login, launch and the landing page of a returning learner."""
    moodle.launch(tool)  # the first launch creates the user, context, link
    module = all_courses()[0].core_modules[0]  # a lesson opened: progress stored its snapshot
    assert tool.get(f"/course/{module.id}/lessons/{module.lessons[0].id}").status_code == 200
    # Expired nonces are purged at most once a minute per process: not in the measured launch
    # (it fell there now and then on a slow run: an 11th statement).
    launch_module._last_purge[0] = time.monotonic()
    with count_queries(app) as at_login:
        login = moodle.login(tool)
    token = moodle.sign(moodle.claims(nonce=login.nonce))
    with count_queries(app) as at_launch:
        response = moodle.post_launch(tool, token, login.state)
    assert response.status_code == 302
    carry_on = tool.get(response.headers["Location"])
    assert carry_on.status_code == 302
    with count_queries(app) as at_home:
        page = tool.get(carry_on.headers["Location"])
    assert page.status_code == 200
    for found in (at_login, at_launch, at_home):
        assert found.repeated() == [], found.report()
    return at_login, at_launch, at_home


def test_login_launch_and_home_read_each_row_once(
    app: Flask, tool: FlaskClient, moodle: LaunchPlatform
) -> None:
    at_login, at_launch, at_home = _launch(app, tool, moodle)
    assert len(at_login) <= LOGIN_MAX, at_login.report()
    assert len(at_launch) <= LAUNCH_MAX, at_launch.report()
    assert len(at_home) <= HOME_MAX, at_home.report()


def test_a_replayed_id_token_is_still_refused(tool: FlaskClient, moodle: LaunchPlatform) -> None:
    login = moodle.login(tool)
    token = moodle.sign(moodle.claims(nonce=login.nonce))
    assert moodle.post_launch(tool, token, login.state).status_code == 302
    again = moodle.login(tool)
    replay = moodle.post_launch(tool, token, again.state)
    assert replay.status_code in (400, 403)


def test_lesson_page_reads_progress_once(app: Flask, client: FlaskClient, make: Factory) -> None:
    context = make.context()
    user = make.user(context, Role.TRAINEE)
    db.session.commit()
    login(client, user, Role.TRAINEE, context, lang="en")
    course = all_courses()[0]
    module = course.core_modules[0]
    path = f"/course/{module.id}/lessons/{module.lessons[0].id}"
    assert client.get(path).status_code == 200  # first visit records "opened"
    with count_queries(app) as found:
        page = client.get(path)
    assert page.status_code == 200
    assert found.repeated() == [], found.report()
    assert len(found) <= LESSON_MAX, found.report()
    writes = [sql for sql, _ in found.sent if sql.startswith(("INSERT", "UPDATE", "DELETE"))]
    assert writes == [], "reading the same lesson again writes nothing"


COHORT_MAX = 5  # the trainer, the context, the count, one page of trainees, their modules


def test_cohort_pages_a_large_course_in_a_fixed_number_of_statements(
    app: Flask, client: FlaskClient, make: Factory
) -> None:
    from lms_plugin.accounts.models import Membership, User

    context = make.context()
    trainer = make.user(context, Role.TRAINER, name="Trainer")
    people = [
        User(platform_id=context.platform_id, sub=f"t{n:03d}", name=f"Trainee {n:03d}")
        for n in range(250)
    ]
    db.session.add_all(people)
    db.session.flush()
    db.session.add_all(
        Membership(context_pk=context.id, user_id=u.id, role="trainee", has_launched=True)
        for u in people
    )
    db.session.commit()
    login(client, trainer, Role.TRAINER, context, lang="en")
    with count_queries(app) as found:
        first = client.get("/progress/cohort").get_data(as_text=True)
    assert "250 trainees" in first and "Page 1 of 3" in first
    assert "Trainee 000" in first and "Trainee 099" in first and "Trainee 100" not in first
    assert len(found) <= COHORT_MAX, found.report()
    last = client.get("/progress/cohort?page=3").get_data(as_text=True)
    assert "Trainee 249" in last and "Trainee 199" not in last
    beyond = client.get("/progress/cohort?page=99999999999")  # not a page: the first one
    assert beyond.status_code == 200 and "Page 1 of 3" in beyond.get_data(as_text=True)
    assert "Page 3 of 3" in client.get("/progress/cohort?page=7").get_data(as_text=True)
