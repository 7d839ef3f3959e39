"""Item 12: the same change sent at the same moment by several people (or tabs) — a module marked
complete, a ban, a placement — is stored once; the others get a 409 page that says
what happened (or, if they came late enough to see the first, the usual answer), never a 500."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import delete, func, select

from lms_plugin.courses.content import get_course
from lms_plugin.db import db
from tests.security.concurrency import at_once
from tests.security.world import World

THREADS = 4


def _race(
    app: Flask,
    world: World,
    visitor: str,
    url: str,
    form: dict[str, str],
    explains: tuple[str, ...],
) -> list[int]:
    clients: list[FlaskClient] = [world.client(app, visitor) for _ in range(THREADS)]
    for client in clients:
        with client.session_transaction() as sess:
            sess["lang"] = "en"

    def send(i: int) -> tuple[int, str]:
        response = clients[i].post(url, data=form)
        return response.status_code, response.get_data(as_text=True)

    results = at_once(THREADS, send)
    statuses = [status for status, _body in results]
    assert all(status in (302, 303, 409) for status in statuses), statuses
    for status, body in results:
        if status == 409:
            assert any(sentence in body for sentence in explains), body[:2000]
    return statuses


def _count(model: type, *where: object) -> int:
    db.session.remove()
    return int(db.session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def test_concurrent_module_overrides_store_one(app: Flask, world: World) -> None:
    from lms_plugin.progress.models import ModuleOverride

    anna = world.ids["anna"]
    course = get_course("mentor-30h")
    for module in course.core_modules[:4]:
        _race(
            app,
            world,
            "trainer",
            f"/progress/trainee/{anna}/complete",
            {"module_id": module.id, "reason": "attended the pilot workshop"},
            ("marked this module complete",),
        )
        assert _count(ModuleOverride, ModuleOverride.module_id == module.id) == 1


def test_concurrent_bans_store_one_pair(app: Flask, world: World) -> None:
    from lms_plugin.coordination.models import BannedPair

    for _round in range(3):
        db.session.execute(delete(BannedPair))
        db.session.commit()
        _race(
            app,
            world,
            "coordinator",
            f"/coordination/helpers/{world.ids['helper']}/ban",
            {"mentor_id": str(world.ids["mentor"]), "confirm": "1"},
            ("banned",),
        )
        assert _count(BannedPair) == 1


def test_concurrent_placements_store_one(app: Flask, world: World) -> None:
    from lms_plugin.coordination.models import Placement, School

    home = db.session.get(School, world.ids["school"])
    assert home is not None
    schools: list[int] = []
    for n in range(3):
        school = School(
            programme_id=home.programme_id,
            centre_id=home.centre_id,
            code=f"S-race-{n}",
            name=f"Race school {n}",
        )
        db.session.add(school)
        db.session.flush()
        schools.append(school.id)
    db.session.commit()
    place: Callable[[int], list[int]] = lambda school_id: _race(  # noqa: E731
        app,
        world,
        "coordinator",
        f"/coordination/mentors/{world.ids['mentor']}/place",
        {"school_id": str(school_id)},
        ("placed this mentor", "already placed at this school"),
    )
    for school_id in schools:
        statuses = place(school_id)
        assert statuses.count(302) + statuses.count(303) >= 1
        assert _count(Placement, Placement.school_id == school_id) == 1
