"""The certificate register: every certificate reachable a page at a time; revoking is confirmed."""

from __future__ import annotations

from datetime import timedelta

from flask.testing import FlaskClient
from sqlalchemy import insert

from lms_plugin.accounts.models import Role
from lms_plugin.certification.models import Certificate
from lms_plugin.certification.services import new_code
from lms_plugin.db import db, utcnow
from tests.conftest import Factory, login
from tests.coordination.conftest import Org, issue_certificate


def test_register_pages_past_500_with_the_total(
    org: Org, client: FlaskClient, make: Factory
) -> None:
    holders = [org.mentor(make, cert=None, placed=False).user_id for _ in range(3)]
    now = utcnow()
    db.session.execute(
        insert(Certificate),
        [
            {
                "user_id": holders[i % 3],
                "course_id": "mentor-30h",
                "course_version": "test",
                "period_no": i + 1,
                "code": new_code(),
                "holder_name": "Szabó Gábor" if i == 7 else f"Holder {i:04d}",
                "hours": 30.0,
                "issued_at": now - timedelta(days=i),
                "valid_from": now - timedelta(days=i),
                "expires_at": now + timedelta(days=1000 - i),
            }
            for i in range(620)
        ],
    )
    db.session.commit()
    login(client, org.coordinator, Role.COORDINATOR, org.context)
    first = client.get("/certificates").get_data(as_text=True)
    assert "Showing 1–50 of 620" in first and "Page 1 of 13" in first
    last = client.get("/certificates?page=13").get_data(as_text=True)
    assert "Showing 601–620 of 620" in last
    found = client.get("/certificates?q=gabor").get_data(as_text=True)
    assert "Showing 1–1 of 1" in found and "Szabó Gábor" in found
    # No revoke field on every row: a link to a confirmation page instead.
    assert 'name="reason"' not in first and "Revoke…" in first


def test_revoking_needs_a_confirmation_that_says_what_it_affects(
    org: Org, client: FlaskClient, make: Factory
) -> None:
    mentor = org.mentor(make, cert=None)
    cert = issue_certificate(mentor.user, "valid")
    db.session.commit()
    login(client, org.coordinator, Role.COORDINATOR, org.context)
    url = f"/certificates/{cert.id}/revoke"

    page = client.get(url).get_data(as_text=True)
    assert "btn btn-danger" in page and cert.code in page
    assert "placements at schools are flagged" in page

    # A POST without the confirmation step revokes nothing.
    unconfirmed = client.post(url, data={"reason": "Duplicate record"})
    assert unconfirmed.status_code == 200
    db.session.refresh(cert)
    assert cert.revoked_at is None

    no_reason = client.post(url, data={"confirm": "1", "reason": ""})
    assert no_reason.status_code == 422
    db.session.refresh(cert)
    assert cert.revoked_at is None

    done = client.post(url, data={"confirm": "1", "reason": "Duplicate record"})
    assert done.status_code == 302
    db.session.refresh(cert)
    assert cert.revoked_at is not None
