"""Item 12: a double-click on "Save" for a new peer helper (a minor) records them once. The form
carries a one-time token; the second request shows the helper the first one saved."""

from __future__ import annotations

import re
from datetime import date

from flask import Flask
from sqlalchemy import func, select

from lms_plugin.coordination.models import PeerHelper
from lms_plugin.db import db
from tests.security.concurrency import at_once
from tests.security.world import World


def _form(world: World, token: str) -> dict[str, str]:
    return {
        "school_id": str(world.ids["school"]),
        "display_name": "Zoé K.",
        "school_year": "10",
        "vocational_field": "informatika",
        "language": "hu",
        "start_date": date.today().isoformat(),
        "birth_year": str(date.today().year - 15),
        "consent_by": "guardian",
        "consent_confirmed": "y",
        "form_token": token,
    }


def _helpers_named(name: str) -> int:
    db.session.remove()
    return int(
        db.session.scalar(
            select(func.count()).select_from(PeerHelper).where(PeerHelper.display_name == name)
        )
        or 0
    )


def test_the_new_helper_form_carries_a_one_time_token(app: Flask, world: World) -> None:
    page = world.client(app, "coordinator").get("/coordination/helpers/new")
    assert page.status_code == 200
    tokens = re.findall(rb'name="form_token" value="([^"]+)"', page.data)
    assert len(tokens) == 1 and len(tokens[0]) >= 16


def test_double_click_creates_one_helper(app: Flask, world: World) -> None:
    page = world.client(app, "coordinator").get("/coordination/helpers/new")
    match = re.search(rb'name="form_token" value="([^"]+)"', page.data)
    token = match.group(1).decode() if match else "double-click-token-0001"
    clients = [world.client(app, "coordinator") for _ in range(2)]

    def save(i: int) -> tuple[int, str]:
        response = clients[i].post("/coordination/helpers/new", data=_form(world, token))
        return response.status_code, response.headers.get("Location", "")

    results = at_once(2, save)
    assert all(status in (302, 303) for status, _where in results), results
    assert _helpers_named("Zoé K.") == 1
    # Both clicks end on the same helper's page.
    assert len({where for _status, where in results}) == 1

    # The same form sent once more later (back button, resend) still makes no duplicate.
    again = world.client(app, "coordinator").post(
        "/coordination/helpers/new", data=_form(world, token)
    )
    assert again.status_code == 303
    assert _helpers_named("Zoé K.") == 1


def test_a_new_form_adds_another_helper(app: Flask, world: World) -> None:
    """The token guards against the same form twice, not against two helpers of one name."""
    client = world.client(app, "coordinator")
    first = client.post("/coordination/helpers/new", data=_form(world, "first-form-token-aaaa"))
    assert first.status_code == 302
    # Same school, year, first name and initial: a warning first (issue 18), then a choice.
    second = dict(_form(world, "second-form-token-bbbb"))
    warned = client.post("/coordination/helpers/new", data=second)
    assert warned.status_code == 409 and _helpers_named("Zoé K.") == 1
    second["confirm_duplicate"] = "1"
    assert client.post("/coordination/helpers/new", data=second).status_code == 302
    assert _helpers_named("Zoé K.") == 2
