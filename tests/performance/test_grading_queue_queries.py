"""The grading queue's statements do not grow with the submissions on it (no N+1)."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from lms_plugin.accounts.models import Role
from lms_plugin.db import db
from tests.availability_helpers import open_modules
from tests.conftest import Factory, login
from tests.grading.conftest import submitted
from tests.performance.conftest import Statements, count_queries

QUEUE_MAX = 6  # user, count, the page of submissions with people and grades, the trainees
# shown, the scores not yet in Moodle, the CSP origins


def _queue(app: Flask, client: FlaskClient) -> tuple[Statements, str]:
    db.session.expire_all()  # nothing cached from the test's own work: the request reads it all
    with count_queries(app) as found:
        page = client.get("/grading/")
    assert page.status_code == 200
    return found, page.get_data(as_text=True)


def test_the_grading_queue_costs_the_same_for_3_and_30_submissions(
    app: Flask, client: FlaskClient, make: Factory
) -> None:
    context = make.context()
    trainer = make.user(context, Role.TRAINER, name="Nagy Éva")
    trainees = [make.user(context, Role.TRAINEE, name=f"Trainee {n:02d}") for n in range(30)]
    for trainee in trainees:
        open_modules(trainee.id)
    db.session.commit()
    for trainee in trainees[:3]:
        submitted(trainee, context)
    login(client, trainer, Role.TRAINER, context, lang="en")
    client.get("/grading/")  # once-per-process checks (PostgreSQL's ICU collation) done here
    few, page = _queue(app, client)
    assert "Trainee 00" in page
    for trainee in trainees[3:]:
        submitted(trainee, context)
    login(client, trainer, Role.TRAINER, context, lang="en")
    many, page = _queue(app, client)
    assert "Trainee 29" in page or "Trainee 00" in page
    assert len(many) == len(few), few.report() + "\n---\n" + many.report()  # no N+1
    assert len(many) <= QUEUE_MAX, many.report()
    assert many.repeated() == [], many.report()
