"""A GET never writes: renewal flags and the mentor pool follow certificate changes and the
worker's daily round, and the coordination pages only read them (issue 20, item 4)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from lms_plugin import events
from lms_plugin.accounts.models import Role
from lms_plugin.certification import services as certification
from lms_plugin.certification.models import Certificate
from lms_plugin.coordination.mentors import renewal_job
from lms_plugin.coordination.models import MentorProfile, Placement
from lms_plugin.db import db, utcnow
from lms_plugin.lti.worker import one_round
from tests.conftest import Factory, login
from tests.coordination.conftest import Org, issue_certificate

WRITES = ("INSERT", "UPDATE", "DELETE")


@contextmanager
def statements() -> Iterator[list[str]]:
    """Every SQL statement sent while the block runs."""
    sent: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        sent.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def _lapse(mentor: MentorProfile) -> None:
    """Time passes: the mentor's certificate is now past its expiry."""
    cert = db.session.query(Certificate).filter_by(user_id=mentor.user_id).one()
    cert.expires_at = utcnow() - timedelta(hours=1)
    db.session.commit()


def _placement(mentor: MentorProfile) -> Placement:
    db.session.expire_all()
    return db.session.query(Placement).filter_by(mentor_id=mentor.id).one()


def test_the_coordination_pages_only_read(org: Org, make: Factory, client: FlaskClient) -> None:
    lapsed = org.mentor(make)
    org.mentor(make, org.schools[1])
    newly_certified = make.user(org.context, Role.TRAINEE, name="Kiss Réka")
    issue_certificate(newly_certified)  # no profile yet: the old mentor page inserted one
    db.session.commit()
    _lapse(lapsed)  # the old pages flagged it with an UPDATE on every GET
    login(client, org.coordinator, Role.COORDINATOR, org.context)
    pid = org.programme.id
    pages = (
        f"/coordination/?programme={pid}",
        f"/coordination/?programme={pid}&centre={org.centre.id}",
        f"/coordination/mentors?programme={pid}",
        f"/coordination/mentors?programme={pid}&state=lapsed",
        f"/coordination/mentors?programme={pid}&all=1",
        f"/coordination/placements?programme={pid}",
        f"/coordination/placements?programme={pid}&status=expiring",
        f"/coordination/mentors/{lapsed.id}",
    )
    with statements() as sent:
        for url in pages:
            response = client.get(url)
            assert response.status_code == 200, url
    writes = [s for s in sent if s.lstrip().split(None, 1)[0].upper() in WRITES]
    assert sent, "the listener saw the pages' queries"
    assert writes == []
    assert _placement(lapsed).status == "active"  # nothing changed behind the reader's back
    assert db.session.query(MentorProfile).filter_by(user_id=newly_certified.id).count() == 0


def test_the_flag_appears_after_the_daily_round(
    app: Flask, org: Org, make: Factory, client: FlaskClient
) -> None:
    mentor = org.mentor(make)
    _lapse(mentor)
    login(client, org.coordinator, Role.COORDINATOR, org.context)
    url = f"/coordination/mentors?programme={org.programme.id}&state=lapsed"
    assert "certificate renewal due" not in client.get(url).get_data(as_text=True)

    renewal_job._last_round.pop(id(app), None)  # the worker starts: its first round is due
    one_round(app)  # the background worker's loop (score delivery, notices, this round)

    placement = _placement(mentor)
    assert placement.status == "renewal_due" and placement.flagged_at is not None
    assert "certificate renewal due" in client.get(url).get_data(as_text=True)
    dashboard = client.get(f"/coordination/?programme={org.programme.id}")
    assert dashboard.status_code == 200


def test_the_round_runs_once_a_day(app: Flask, org: Org, make: Factory) -> None:
    first, second = org.mentor(make), org.mentor(make, org.schools[1])
    renewal_job._last_round.pop(id(app), None)
    _lapse(first)
    assert renewal_job.renewal_task(app) == 1
    _lapse(second)
    assert renewal_job.renewal_task(app) == 0  # the same day: not yet
    assert _placement(second).status == "active"
    app.config["COORDINATION_RENEWAL_INTERVAL_SECONDS"] = 0
    try:
        assert renewal_job.renewal_task(app) == 1  # the next day
    finally:
        app.config.pop("COORDINATION_RENEWAL_INTERVAL_SECONDS")
    assert _placement(second).status == "renewal_due"


def test_a_revocation_flags_at_once_and_a_renewal_clears(org: Org, make: Factory) -> None:
    mentor = org.mentor(make)
    cert = db.session.query(Certificate).filter_by(user_id=mentor.user_id).one()
    certification.revoke(cert, org.coordinator, "Issued by mistake")
    db.session.commit()
    assert _placement(mentor).status == "renewal_due"  # no round, no page needed

    renewed = issue_certificate(mentor.user)
    events.publish(events.CertificateChanged(mentor.user_id, renewed.course_id))
    db.session.commit()
    assert _placement(mentor).status == "active"


def test_a_new_certificate_adds_the_teacher_to_the_pool(org: Org, make: Factory) -> None:
    teacher = make.user(org.context, Role.TRAINEE)
    cert = issue_certificate(teacher)
    events.publish(events.CertificateChanged(teacher.id, cert.course_id))
    db.session.commit()
    assert db.session.query(MentorProfile).filter_by(user_id=teacher.id).count() == 1
    other = make.user(org.context, Role.TRAINEE)  # no certificate: not a mentor
    events.publish(events.CertificateChanged(other.id, cert.course_id))
    assert db.session.query(MentorProfile).filter_by(user_id=other.id).count() == 0
