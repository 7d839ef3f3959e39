"""Certificates with a life cycle, shown the same everywhere; a refused placement says why."""

from __future__ import annotations

from datetime import timedelta

from flask.testing import FlaskClient

from lms_plugin.accounts.models import Role
from lms_plugin.certification.lifecycle import lifecycle
from lms_plugin.coordination.models import Placement
from lms_plugin.db import db, utcnow
from tests.conftest import Factory, login
from tests.coordination.conftest import Org, issue_certificate


def test_one_rule_for_the_life_cycle(app_ctx: object) -> None:
    now = utcnow()
    assert lifecycle(now + timedelta(days=400), None, now) == "valid"
    assert lifecycle(now + timedelta(days=30), None, now) == "renewal_due"
    assert lifecycle(now - timedelta(days=1), None, now) == "expired"
    assert lifecycle(now + timedelta(days=400), now, now) == "revoked"
    assert lifecycle(None) == "none"


def test_an_expired_mentor_is_told_why_on_the_same_page(
    org: Org, make: Factory, client: FlaskClient
) -> None:
    mentor = org.mentor(make, org.schools[1], cert="expired", placed=False)
    db.session.commit()
    login(client, org.coordinator, Role.COORDINATOR, org.context)

    page = client.get(f"/coordination/mentors/{mentor.id}").get_data(as_text=True)
    assert "This mentor cannot be placed now." in page
    assert "Expired on" in page and "refresher module" in page
    assert 'action="/coordination/mentors/' not in page.split("place-refused")[1].split("</div>")[0]

    refused = client.post(
        f"/coordination/mentors/{mentor.id}/place",
        data={"school_id": org.schools[0].id},
        headers={"Accept": "text/html"},
    )
    html = refused.get_data(as_text=True)
    assert refused.status_code == 409
    assert "changed it first" not in html
    assert mentor.user.display_name in html and "Expired on" in html
    assert "/courses/" in html or "refresher" in html  # the renewal path is on the page
    assert db.session.query(Placement).count() == 0


def test_the_place_form_starts_at_the_mentors_own_school(
    org: Org, make: Factory, client: FlaskClient
) -> None:
    mentor = org.mentor(make, org.schools[1], placed=False)
    db.session.commit()
    login(client, org.coordinator, Role.COORDINATOR, org.context)
    page = client.get(f"/coordination/mentors/{mentor.id}").get_data(as_text=True)
    assert f'name="school_id" value="{org.schools[1].id}"' in page
    assert 'value="Komlói Technikum (Komló, S1)"' in page
    placed = client.post(
        f"/coordination/mentors/{mentor.id}/place", data={"school_id": org.schools[1].id}
    )
    assert placed.status_code == 302


def test_renewal_due_is_flagged_and_shown_the_same_everywhere(
    org: Org, make: Factory, client: FlaskClient
) -> None:
    mentor = org.mentor(make, org.schools[0], cert=None)
    issue_certificate(mentor.user, "valid", expires_in_days=20)
    org.mentor(make, org.schools[0])  # valid for years: not flagged
    db.session.commit()
    login(client, org.coordinator, Role.COORDINATOR, org.context)
    badge = 'data-cert-state="renewal_due"'
    pool = client.get("/coordination/mentors").get_data(as_text=True)
    assert badge in pool
    detail = client.get(f"/coordination/mentors/{mentor.id}").get_data(as_text=True)
    assert badge in detail and "Placements stay active until then" in detail
    register = client.get("/certificates").get_data(as_text=True)
    assert badge in register
    assert "Showing 1–2 of 2" in register
    only_due = client.get("/certificates?state=renewal_due").get_data(as_text=True)
    assert "Showing 1–1 of 1" in only_due
    flagged = client.get("/coordination/mentors?state=renewal_due").get_data(as_text=True)
    assert "Showing 1–1 of 1" in flagged


def test_placements_list_flags_certificates_running_out(
    org: Org, make: Factory, client: FlaskClient
) -> None:
    soon = org.mentor(make, org.schools[0], cert=None)
    issue_certificate(soon.user, "valid", expires_in_days=20)
    for _ in range(3):
        org.mentor(make, org.schools[1])
    db.session.commit()
    login(client, org.coordinator, Role.COORDINATOR, org.context)
    everything = client.get("/coordination/placements").get_data(as_text=True)
    assert "Showing 1–4 of 4" in everything
    assert everything.count('class="co-alert"') == 1 and "renew before" in everything
    flagged = client.get("/coordination/placements?status=expiring").get_data(as_text=True)
    assert "Showing 1–1 of 1" in flagged and soon.user.display_name in flagged
    found = client.get("/coordination/placements?q=komloi").get_data(as_text=True)
    assert "Showing 1–3 of 3" in found


def test_certified_teachers_join_the_pool_with_default_profiles(
    org: Org, make: Factory, client: FlaskClient
) -> None:
    from lms_plugin.coordination.mentors.services import sync_mentor_pool
    from lms_plugin.coordination.models import MentorProfile

    teacher = make.user(org.context, Role.TRAINEE)
    issue_certificate(teacher, "valid")
    issue_certificate(teacher, "valid")  # a second period: still one profile
    make.user(org.context, Role.TRAINEE)  # no certificate: not in the pool
    db.session.commit()
    assert sync_mentor_pool() == 1
    assert sync_mentor_pool() == 0
    profile = db.session.query(MentorProfile).filter_by(user_id=teacher.id).one()
    assert (profile.languages, profile.min_helpers, profile.max_helpers) == ("hu", 0, 4)
    assert db.session.query(MentorProfile).count() == 1
