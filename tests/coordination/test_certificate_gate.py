"""Placing a mentor needs a valid certificate; a lapse later flags the placement for renewal."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask.testing import FlaskClient

from lms_plugin.accounts.models import Role
from lms_plugin.certification.models import Certificate
from lms_plugin.coordination import certs
from lms_plugin.coordination.mentors import services as mentors
from lms_plugin.coordination.mentors.renewal_job import refresh_all
from lms_plugin.coordination.models import MentorProfile, Placement
from lms_plugin.db import db, utcnow
from lms_plugin.errors import DomainError
from tests.conftest import Factory, login
from tests.coordination.conftest import Org, issue_certificate


@pytest.mark.parametrize(
    ("state", "reason"),
    [
        (None, "no mentor certificate"),
        ("expired", "certificate expired"),
        ("revoked", "certificate was revoked"),
    ],
)
def test_placement_is_refused_with_the_reason(
    org: Org, make: Factory, client: FlaskClient, state: str | None, reason: str
) -> None:
    mentor = org.mentor(make, cert=state, placed=False)
    db.session.commit()
    with pytest.raises(DomainError, match=reason):
        mentors.place(mentor, org.schools[0], org.coordinator)
    db.session.rollback()

    login(client, org.coordinator, Role.COORDINATOR, org.context)
    response = client.post(
        f"/coordination/mentors/{mentor.id}/place",
        data={"school_id": org.schools[0].id},
        headers={"Accept": "text/html"},
    )
    assert response.status_code == 409
    assert reason in response.get_data(as_text=True)
    assert db.session.query(Placement).count() == 0


def test_valid_certificate_places_the_mentor(org: Org, make: Factory, client: FlaskClient) -> None:
    mentor = org.mentor(make, placed=False)
    db.session.commit()
    login(client, org.coordinator, Role.COORDINATOR, org.context)
    response = client.post(
        f"/coordination/mentors/{mentor.id}/place", data={"school_id": org.schools[1].id}
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Komlói Technikum" in page and "active" in page
    placement = db.session.query(Placement).one()
    assert (placement.mentor_id, placement.school_id, placement.status) == (
        mentor.id,
        org.schools[1].id,
        "active",
    )


def test_expiry_flags_the_placement_instead_of_dropping_it(
    org: Org, make: Factory, client: FlaskClient
) -> None:
    mentor = org.mentor(make)
    cert = db.session.query(Certificate).filter_by(user_id=mentor.user_id).one()
    cert.expires_at = utcnow() - timedelta(days=1)
    db.session.commit()
    refresh_all()  # the worker's daily round (pages only read the flag)
    db.session.commit()

    login(client, org.coordinator, Role.COORDINATOR, org.context)
    page = client.get("/coordination/mentors").get_data(as_text=True)
    assert "certificate renewal due" in page
    placement = db.session.query(Placement).one()
    assert placement.status == "renewal_due" and placement.flagged_at is not None

    issue_certificate(mentor.user, "valid")  # renewed
    db.session.commit()
    assert mentors.refresh_renewal_flags() == (0, 1)
    db.session.commit()
    assert db.session.query(Placement).one().status == "active"


def test_certified_teachers_join_the_pool_automatically(
    org: Org, make: Factory, client: FlaskClient
) -> None:
    teacher = make.user(org.context, Role.TRAINEE, name="Tóth Ildikó")
    issue_certificate(teacher)
    in_training = make.user(org.context, Role.TRAINEE, name="Varga Zoltán")
    db.session.commit()
    refresh_all()  # the worker's daily round adds certified teachers (pages only read)
    db.session.commit()
    login(client, org.coordinator, Role.COORDINATOR, org.context)
    page = client.get("/coordination/mentors").get_data(as_text=True)
    assert "Tóth Ildikó" in page and "Varga Zoltán" not in page
    assert db.session.query(MentorProfile).filter_by(user_id=teacher.id).count() == 1
    assert db.session.query(MentorProfile).filter_by(user_id=in_training.id).count() == 0


def test_bulk_lookup_agrees_with_the_per_user_contract(
    org: Org, make: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    users = [make.user(org.context, Role.TRAINEE) for _ in range(4)]
    for user, state in zip(users, ("valid", "expired", "revoked", None), strict=True):
        if state:
            issue_certificate(user, state)
    ids = [u.id for u in users]
    bulk = certs.valid_certificates(ids)
    monkeypatch.setattr(certs, "_certificate_model", lambda: None)  # force the per-user fallback
    one_by_one = certs.valid_certificates(ids)
    assert set(bulk) == set(one_by_one) == {users[0].id}
    assert bulk[users[0].id].expires_at == one_by_one[users[0].id].expires_at
    assert [
        certs.certificate_info(u).state if certs.certificate_info(u) else None for u in ids
    ] == ["valid", "expired", "revoked", None]


def test_bulk_lookup_is_one_query(org: Org, make: Factory) -> None:
    from sqlalchemy import event

    users = [make.user(org.context, Role.TRAINEE) for _ in range(30)]
    for user in users:
        issue_certificate(user)
    statements: list[str] = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        found = certs.valid_certificates([u.id for u in users])
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert len(found) == 30
    assert len([s for s in statements if "certificates" in s]) == 1


def test_renewal_flags_also_work_through_the_per_user_contract(
    org: Org, make: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    mentor = org.mentor(make)
    cert = db.session.query(Certificate).filter_by(user_id=mentor.user_id).one()
    cert.revoked_at = utcnow()
    db.session.flush()
    monkeypatch.setattr(certs, "_certificate_model", lambda: None)
    assert mentors.refresh_renewal_flags() == (1, 0)
    assert db.session.query(Placement).one().status == "renewal_due"
