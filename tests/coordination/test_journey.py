"""Through the practice LMS: a coordinator opens the dashboard on the pilot data, places a newly
certified teacher, links a helper, and the teacher sees it in their own view."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from lms_plugin import events
from lms_plugin.accounts.models import User
from lms_plugin.coordination.models import CoordinatorGrant, MentorProfile, PeerHelper, School
from lms_plugin.db import db
from tests.coordination.conftest import issue_certificate
from tests.practice_platform import PracticeLms, launch_as, practice_lms  # noqa: F401


def _me(client: FlaskClient) -> int:
    with client.session_transaction() as sess:
        return int(sess["_user_id"])


def test_coordinator_and_mentor_journey(app: Flask, practice_lms: PracticeLms) -> None:  # noqa: F811
    assert app.test_cli_runner().invoke(args=["demo", "pilot"]).exit_code == 0
    coordinator, teacher = app.test_client(), app.test_client()
    launch_as(coordinator, "gabor", locale="en")
    launch_as(teacher, "anna", target="mentor", locale="en")
    with app.app_context():
        gabor = db.session.get(User, _me(coordinator))
        assert gabor is not None
        gabor.is_coordinator = True  # granted by an admin in the tool
        anna_id = _me(teacher)
        anna = db.session.get(User, anna_id)
        assert anna is not None
        cert = issue_certificate(anna)  # she passed the course; certification announces it:
        events.publish(events.CertificateChanged(anna_id, cert.course_id))  # she joins the pool
        school = db.session.query(School).filter_by(name="Gábor Dénes Technikum").one()
        school_id = school.id
        helper_id = db.session.query(PeerHelper).filter_by(school_id=school_id).first().id  # type: ignore[union-attr]
        # ... and given the programme to coordinate (tenants: nothing is visible without a grant)
        db.session.add(CoordinatorGrant(user_id=gabor.id, programme_id=school.programme_id))
        db.session.commit()

    page = launch_as(coordinator, "gabor", target="coordination", locale="en").get_data(
        as_text=True
    )
    assert "Coverage: Kortárs segítő program – kísérleti szakasz" in page
    assert "Szegedi Szakképzési Centrum" in page and "centres that need attention first" in page

    pool = coordinator.get("/coordination/mentors?q=&page=1").get_data(as_text=True)
    assert "Showing 1–50 of 82" in pool  # the 81 certified demo mentors and now anna
    with app.app_context():
        mentor_id = db.session.query(MentorProfile).filter_by(user_id=anna_id).one().id
    placed = coordinator.post(
        f"/coordination/mentors/{mentor_id}/place", data={"school_id": school_id}
    )
    assert placed.status_code == 302
    linked = coordinator.post(
        f"/coordination/helpers/{helper_id}/link", data={"mentor_id": mentor_id}
    )
    assert linked.status_code == 302

    mine = launch_as(teacher, "anna", target="mentor", locale="en").get_data(as_text=True)
    assert "My placements" in mine
    assert "Gábor Dénes Technikum" in mine and "valid until" in mine
    with app.app_context():
        helper = db.session.get(PeerHelper, helper_id)
        assert helper is not None
        assert helper.display_name in mine
