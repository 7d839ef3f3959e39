"""Item 15: eight heartbeats at the same moment (tabs, workers) credit the gap since the previous
beat once, not eight times."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from sqlalchemy import func, select

from lms_plugin.accounts.models import Membership, User
from lms_plugin.db import db, utcnow
from lms_plugin.progress.models import ActiveTime, HeartbeatState
from tests.security.concurrency import at_once, browser
from tests.security.world import World

BEATS = 8
GAP = 30


def test_concurrent_heartbeats_do_not_double_count(app: Flask, world: World) -> None:
    user = User(platform_id=world.ids["platform"], sub="beater", name="Beater")
    db.session.add(user)
    db.session.flush()
    db.session.add(
        Membership(
            context_pk=world.ids["context_a"], user_id=user.id, role="trainee", has_launched=True
        )
    )
    user_id = user.id
    module = world.ids["module_id"]
    clients = [browser(app, user_id, "trainee", world.ids["context_a"]) for _ in range(BEATS)]
    total = 0
    for _round in range(3):
        db.session.merge(
            HeartbeatState(user_id=user_id, last_beat_at=utcnow() - timedelta(seconds=GAP))
        )
        db.session.commit()

        def beat(i: int) -> int:
            response = clients[i].post(
                "/progress/heartbeat", json={"module_id": module, "visible": True, "idle": False}
            )
            assert response.status_code == 200, response.data
            return int(response.get_json()["credited"])

        credited = at_once(BEATS, beat)
        assert sum(credited) <= GAP + 2, credited  # one beat credits the gap, the rest ~0
        total += sum(credited)
        db.session.remove()
    seconds = db.session.scalar(
        select(func.sum(ActiveTime.seconds)).where(ActiveTime.user_id == user_id)
    )
    assert seconds == total
    assert GAP * 3 <= seconds <= (GAP + 2) * 3
