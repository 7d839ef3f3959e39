"""Active time: beats from visible, non-idle pages; pauses credit nothing; two tabs count once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import Flask
from sqlalchemy import select

from lms_plugin.accounts.models import Role
from lms_plugin.db import db
from lms_plugin.progress.models import ActiveTime
from lms_plugin.progress.timekeeping import credit_for, record_heartbeat
from tests.conftest import Factory

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def seconds(user_id: int, module_id: str = "programme") -> int:
    row = db.session.scalar(
        select(ActiveTime).where(ActiveTime.user_id == user_id, ActiveTime.module_id == module_id)
    )
    return row.seconds if row else 0


def beat(
    user_id: int, at: float, *, module: str = "programme", visible: bool = True, idle: bool = False
) -> int:
    return record_heartbeat(
        user_id, "mentor-30h", module, T0 + timedelta(seconds=at), visible=visible, idle=idle
    )


def test_steady_beats_credit_elapsed_time(app_ctx: Flask, make: Factory) -> None:
    user = make.user(make.context(), Role.TRAINEE)
    for t in range(0, 301, 30):
        beat(user.id, t)
    assert seconds(user.id) == 300  # the first beat only starts the clock


def test_idle_and_hidden_tab_pause_the_clock(app_ctx: Flask, make: Factory) -> None:
    user = make.user(make.context(), Role.TRAINEE)
    beat(user.id, 0)
    beat(user.id, 30)
    assert beat(user.id, 60, visible=False) == 0  # hidden tab: not credited
    assert beat(user.id, 90, idle=True) == 0  # idle: not credited
    beat(user.id, 600)  # back after ten minutes: the gap is not credited
    beat(user.id, 630)
    assert seconds(user.id) == 60


def test_two_tabs_do_not_double_count(app_ctx: Flask, make: Factory) -> None:
    user = make.user(make.context(), Role.TRAINEE)
    for t in range(0, 121, 30):  # tab A
        beat(user.id, t)
        beat(user.id, t + 15, module="role-ethics")  # tab B, another module, interleaved
    total = seconds(user.id, "programme") + seconds(user.id, "role-ethics")
    assert total == 135  # 0 → 135 s of wall-clock time, counted once
    assert credit_for(None, T0) == 0
    assert credit_for(T0, T0 - timedelta(seconds=5)) == 0  # a late beat from a slow tab


def test_heartbeat_endpoint_validates_input(client, make: Factory) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import login

    ctx = make.context()
    user = make.user(ctx, Role.TRAINEE)
    db.session.commit()
    login(client, user, Role.TRAINEE, ctx)
    assert client.post("/progress/heartbeat", data="nonsense").status_code == 400
    assert client.post("/progress/heartbeat", json={"module_id": "nope"}).status_code == 404
    ok = client.post(
        "/progress/heartbeat", json={"module_id": "programme", "visible": True, "idle": False}
    )
    assert ok.status_code == 200 and ok.get_json()["credited"] == 0
    client.get("/")  # anonymous clients get 401 below
    anonymous = client.application.test_client()
    assert anonymous.post("/progress/heartbeat", json={"module_id": "programme"}).status_code == 401
