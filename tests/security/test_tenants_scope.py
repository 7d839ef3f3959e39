"""Issue 14 item 6: each platform issuer is a tenant; coordinators see only their granted scope.

The generated role × route × tenant matrix is tests/security/test_authorization_matrix.py (its
world has two tenants and two centres); these tests check what the lists, exports and counts
contain.
"""

from __future__ import annotations

from flask import Flask

from lms_plugin.accounts.models import User
from lms_plugin.db import db
from lms_plugin.lti.models import Platform
from tests.security.world import TENANT_A, World

BASE = "https://tool.test"


def test_another_tenants_admin_cannot_deactivate_or_list_our_registration(
    app: Flask, world: World
) -> None:
    admin_b = world.client(app, "admin_b")
    page = admin_b.get("/admin/platforms", base_url=BASE).get_data(as_text=True)
    assert "moodle.other.test" in page and TENANT_A not in page
    response = admin_b.post(
        f"/admin/platforms/{world.ids['platform']}/active", data={"active": "0"}, base_url=BASE
    )
    assert response.status_code == 404
    db.session.expire_all()
    platform = db.session.get(Platform, world.ids["platform"])
    assert platform is not None and platform.is_active


def test_another_tenants_admin_cannot_find_or_grant_our_people(app: Flask, world: World) -> None:
    admin_b = world.client(app, "admin_b")
    found = admin_b.get("/admin/coordinators?q=a", base_url=BASE).get_data(as_text=True)
    assert "Anna" not in found and "Béla" not in found and "Coordinator B" in found
    refused = admin_b.post(
        "/admin/coordinators", data={"issuer": TENANT_A, "sub": "100"}, base_url=BASE
    )
    assert refused.status_code == 200  # the form again, with the refusal
    db.session.expire_all()
    anna = db.session.get(User, world.ids["anna"])  # sub 100 of tenant A
    assert anna is not None and not anna.is_coordinator
    assert (
        admin_b.post(
            f"/admin/coordinators/{world.ids['bela']}", data={"grant": "1"}, base_url=BASE
        ).status_code
        == 404
    )


def test_a_tool_administrator_manages_every_tenant(app: Flask, world: World) -> None:
    tool = world.client(app, "tool_admin")
    page = tool.get("/admin/platforms", base_url=BASE).get_data(as_text=True)
    assert TENANT_A in page and "moodle.other.test" in page
    found = tool.get("/admin/coordinators?q=Anna", base_url=BASE).get_data(as_text=True)
    assert "Anna" in found


def test_another_tenants_coordinator_reads_no_submission_or_certificate(
    app: Flask, world: World
) -> None:
    coordinator_b = world.client(app, "coordinator_b")
    for url in (
        f"/grading/submissions/{world.ids['anna_submission']}",
        f"/grading/files/{world.ids['anna_file']}",
        f"/certificate/{world.ids['anna_cert']}.pdf",
    ):
        response = coordinator_b.get(url, base_url=BASE)
        assert response.status_code == 404, url
        assert b"%PDF" not in response.data
    register = coordinator_b.get("/certificates.csv", base_url=BASE).get_data(as_text=True)
    assert world.ids["anna_code"] not in register
    # ... and tenant A's coordinator does not read tenant B's
    coordinator = world.client(app, "coordinator")
    assert (
        coordinator.get(f"/certificate/{world.ids['carol_cert']}.pdf", base_url=BASE).status_code
        == 404
    )
    assert (
        coordinator.get(
            f"/grading/submissions/{world.ids['carol_submission']}", base_url=BASE
        ).status_code
        == 404
    )


def test_a_centre_coordinator_lists_exports_and_counts_only_their_centre(
    app: Flask, world: World
) -> None:
    c2 = world.client(app, "centre_coordinator")
    helpers = c2.get(
        f"/coordination/helpers.csv?programme={world.ids['programme']}", base_url=BASE
    ).get_data(as_text=True)
    assert "Helper of C2" in helpers and "My plan" not in helpers  # S1's helper is C1's
    schools = c2.get(
        f"/coordination/schools/export.csv?programme={world.ids['programme']}", base_url=BASE
    ).get_data(as_text=True)
    assert "School Two" in schools and "School My plan" not in schools
    coverage = c2.get("/coordination/coverage.csv", base_url=BASE).get_data(as_text=True)
    assert "School Two" in coverage and "School My plan" not in coverage
    mentors = c2.get("/coordination/mentors?all=1", base_url=BASE).get_data(as_text=True)
    assert "Béla Kiss" in mentors and "Anna My plan" not in mentors
    assert c2.get(f"/coordination/helpers/{world.ids['helper']}", base_url=BASE).status_code == 404
    assert c2.get(f"/coordination/helpers/{world.ids['helper2']}", base_url=BASE).status_code == 200
    assert c2.post("/coordination/match", base_url=BASE).status_code == 403  # whole programme


def test_another_tenants_coordinator_sees_only_their_programme(app: Flask, world: World) -> None:
    coordinator_b = world.client(app, "coordinator_b")
    page = coordinator_b.get("/coordination/schools", base_url=BASE).get_data(as_text=True)
    assert "School B" in page and "School Two" not in page and "Programme My plan" not in page
    assert (
        coordinator_b.get(
            f"/coordination/schools?programme={world.ids['programme']}", base_url=BASE
        ).status_code
        == 404
    )


def test_a_coordinator_without_a_grant_sees_only_whom_to_ask(app: Flask, world: World) -> None:
    nobody = world.client(app, "ungranted_coordinator")
    response = nobody.get("/coordination/", base_url=BASE)
    page = response.get_data(as_text=True)
    assert response.status_code == 403
    assert "(Admin)" in page  # tenant A's administrator, by name
    assert "School" not in page
    assert "Helper" not in nobody.get("/coordination/helpers.csv", base_url=BASE).get_data(
        as_text=True
    )


def test_a_platform_admin_cannot_register_a_platform_of_another_tenant(
    app: Flask, world: World
) -> None:
    admin_b = world.client(app, "admin_b")
    form = {
        "name": "Sneaky",
        "issuer": TENANT_A,
        "client_id": "sneaky-client",
        "deployment_id": "9",
        "auth_url": f"{TENANT_A}/auth2",
        "token_url": f"{TENANT_A}/token2",
        "jwks_url": f"{TENANT_A}/certs2",
    }
    assert admin_b.post("/admin/platforms", data=form, base_url=BASE).status_code == 200
    db.session.expire_all()
    assert db.session.query(Platform).filter_by(client_id="sneaky-client").count() == 0
