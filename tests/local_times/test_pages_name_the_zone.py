"""Times on the matcher's proposal page and the administrator's platforms page are shown in the
programme's zone, in the page's language, with the zone named (issue 17: one format per language,
all times local and labelled)."""

from __future__ import annotations

from datetime import UTC, datetime

from flask.testing import FlaskClient
from sqlalchemy import select

from lms_plugin.accounts.models import Role
from lms_plugin.coordination.models import MatchRun
from lms_plugin.db import db
from lms_plugin.jobs.services import run_due_jobs
from tests.conftest import Factory, login
from tests.coordination.conftest import Org, org
from tests.coordination_audit_text.test_match_run_audit import _helpers

__all__ = ["org"]  # the fixture, used by name

LATE_EVENING_UTC = datetime(2029, 3, 31, 23, 30, tzinfo=UTC)  # 1 April 01:30 in Budapest (CEST)


def test_the_proposal_heading_is_local_time_with_the_zone(
    org: Org, make: Factory, client: FlaskClient
) -> None:
    org.mentor(make, max_helpers=2)
    _helpers(org, 2)
    login(client, org.coordinator, Role.COORDINATOR, org.context, lang="en")
    assert (
        client.post("/coordination/match", data={"programme": org.programme.id}).status_code == 303
    )
    assert run_due_jobs(client.application) == 1
    run = db.session.scalars(select(MatchRun)).one()
    run.created_at = LATE_EVENING_UTC
    db.session.commit()
    en = client.get(f"/coordination/match/{run.id}").get_data(as_text=True)
    assert "Matching proposal of 1 Apr 2029 01:30 (Budapest time)" in en
    login(client, org.coordinator, Role.COORDINATOR, org.context, lang="hu")
    hu = client.get(f"/coordination/match/{run.id}").get_data(as_text=True)
    assert "2029. ápr. 1. 01:30" in hu and "2029-03-31 23:30" not in hu


def test_a_waiting_platform_shows_its_registration_in_local_time(
    client: FlaskClient, make: Factory
) -> None:
    ctx = make.context()
    admin = make.user(ctx, Role.ADMIN, is_tool_admin=True)
    platform = make.platform(issuer="https://waiting.example.hu", client_id="w1")
    platform.is_active, platform.activated_at = False, None  # registered itself, waiting
    platform.registered_via = "dynamic"
    platform.created_at = LATE_EVENING_UTC
    db.session.commit()
    login(client, admin, Role.ADMIN, ctx, lang="en")
    page = client.get("/admin/platforms").get_data(as_text=True)
    assert "1 Apr 2029 01:30 (Budapest time)" in page
