"""Manual links, matcher drafts reviewed and published; the mentor sees only published links."""

from __future__ import annotations

from datetime import date

import pytest
from flask.testing import FlaskClient

from lms_plugin.accounts.models import Role
from lms_plugin.certification.models import Certificate
from lms_plugin.coordination.matching import services as matching
from lms_plugin.coordination.models import HelperLink, MatchRun, PeerHelper, UnmatchedReason
from lms_plugin.coordination.peer_helpers import linking
from lms_plugin.coordination.peer_helpers import services as peer_helpers
from lms_plugin.db import db, utcnow
from lms_plugin.errors import DomainError
from lms_plugin.jobs.services import run_due_jobs
from tests.conftest import Factory, login
from tests.coordination.conftest import Org


def _helpers(org: Org, n: int, school: int = 0) -> list[PeerHelper]:
    names = ["Bence K.", "Luca T.", "Máté S.", "Hanna V.", "Zoé P.", "Ádám N."]
    result = [
        peer_helpers.create(
            org.schools[school],
            peer_helpers.HelperData(
                names[i],
                10,
                "informatika",
                "hu",
                date.today(),
                date.today().year - 18,
                "self",
                True,
            ),
            org.coordinator,
        )
        for i in range(n)
    ]
    db.session.commit()
    return result


def test_manual_link_keeps_the_hard_rules(org: Org, make: Factory) -> None:
    full = org.mentor(make, max_helpers=1)
    elsewhere = org.mentor(make, org.schools[1])
    uncertified = org.mentor(make, cert="revoked")
    h1, h2 = _helpers(org, 2)
    linking.link(h1, full, org.coordinator)
    with pytest.raises(DomainError, match="maximum of 1"):
        linking.link(h2, full, org.coordinator)
    with pytest.raises(DomainError, match="not placed at the helper's school"):
        linking.link(h2, elsewhere, org.coordinator)
    with pytest.raises(DomainError, match="revoked"):
        linking.link(h2, uncertified, org.coordinator)
    linking.ban(h1, full, org.coordinator)
    assert linking.current_link(h1) is None
    with pytest.raises(DomainError, match="banned"):
        linking.link(h1, full, org.coordinator)


def test_matcher_drafts_are_reviewed_then_published(
    org: Org, make: Factory, client: FlaskClient
) -> None:
    m1 = org.mentor(make, max_helpers=2)
    m2 = org.mentor(make, max_helpers=2)
    helpers = _helpers(org, 5)
    lonely = _helpers(org, 1, school=1)[0]
    login(client, org.coordinator, Role.COORDINATOR, org.context)

    response = client.post("/coordination/match", data={"programme": org.programme.id})
    assert response.status_code == 303  # queued: the background worker runs the matcher
    assert run_due_jobs(client.application) == 1
    db.session.expire_all()
    run = db.session.query(MatchRun).one()
    assert (run.status, run.helpers_considered, run.matched) == ("draft", 6, 4)
    drafts = db.session.query(HelperLink).filter_by(status="draft").all()
    assert len(drafts) == 4
    reasons = {r.helper_id: r.reason for r in db.session.query(UnmatchedReason)}
    assert reasons[lonely.id] == "no_mentor_placed"
    assert list(reasons.values()).count("no_capacity") == 1

    page = client.get(f"/coordination/match/{run.id}?school={org.schools[0].id}").get_data(
        as_text=True
    )
    assert "No mentor with free capacity at this school." in page
    # Drafts are invisible to the mentor.
    login(client, m1.user, Role.TRAINEE, org.context)
    assert "No peer helpers are linked to you yet" in client.get("/coordination/me").get_data(
        as_text=True
    )

    # Review: unassign one of m1's helpers, give the waiting one to m1 instead.
    login(client, org.coordinator, Role.COORDINATOR, org.context)
    taken = next(d.helper_id for d in drafts if d.mentor_id == m1.id)
    waiting = next(h.id for h in helpers if h.id in reasons)
    assert (
        client.post(
            f"/coordination/match/{run.id}/move", data={"helper_id": taken, "mentor_id": ""}
        ).status_code
        == 302
    )
    assert (
        client.post(
            f"/coordination/match/{run.id}/move", data={"helper_id": waiting, "mentor_id": m1.id}
        ).status_code
        == 302
    )
    # m2 is full: moving another helper there is refused with the reason.
    response = client.post(
        f"/coordination/match/{run.id}/move",
        data={"helper_id": taken, "mentor_id": m2.id},
        headers={"Accept": "text/html"},
    )
    assert response.status_code == 409
    assert "maximum of 2" in response.get_data(as_text=True)

    assert client.post(f"/coordination/match/{run.id}/publish").status_code == 302
    assert db.session.query(HelperLink).filter_by(status="draft").count() == 0
    assert db.session.query(HelperLink).filter_by(status="published").count() == 4
    assert db.session.get(MatchRun, run.id).status == "published"  # type: ignore[union-attr]

    login(client, m1.user, Role.TRAINEE, org.context)
    page = client.get("/coordination/me").get_data(as_text=True)
    mine = {
        h.display_name
        for h in helpers
        if linking.current_link(h) and linking.current_link(h).mentor_id == m1.id
    }  # type: ignore[union-attr]
    assert len(mine) == 2
    for name in mine:
        assert name in page
    assert "Zipernowsky Károly Technikum" in page and "valid until" in page


def test_publish_is_refused_when_a_certificate_was_revoked_meanwhile(
    org: Org, make: Factory
) -> None:
    mentor = org.mentor(make)
    _helpers(org, 2)
    run = matching.run(org.programme, org.coordinator)
    assert run.matched == 2
    cert = db.session.query(Certificate).filter_by(user_id=mentor.user_id).one()
    cert.revoked_at = utcnow()
    db.session.flush()
    with pytest.raises(DomainError, match="certificate is no longer valid"):
        matching.publish(run, org.coordinator)
    assert db.session.query(HelperLink).filter_by(status="published").count() == 0


def test_uncertified_mentors_get_no_helpers_and_the_reason_says_so(org: Org, make: Factory) -> None:
    org.mentor(make, cert="expired")
    _helpers(org, 2)
    run = matching.run(org.programme, org.coordinator)
    assert run.matched == 0
    assert {r.reason for r in db.session.query(UnmatchedReason)} == {"no_certified_mentor"}


def test_a_new_run_replaces_unpublished_drafts(org: Org, make: Factory) -> None:
    org.mentor(make)
    _helpers(org, 2)
    first = matching.run(org.programme, org.coordinator)
    second = matching.run(org.programme, org.coordinator)
    assert first.status == "discarded" and second.status == "draft"
    assert db.session.query(HelperLink).count() == 2
    assert {link.run_id for link in db.session.query(HelperLink)} == {second.id}
