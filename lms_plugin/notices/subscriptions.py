"""Notices run in the background worker, at most every NOTICES_INTERVAL_SECONDS."""

from __future__ import annotations

import time

from flask import Flask

_last_round: dict[int, float] = {}


def notices_task(app: Flask) -> int:
    """The worker's hook: one round when the interval has passed (per app)."""
    if not app.config["NOTICES_ENABLED"]:
        return 0
    now = time.monotonic()
    last = _last_round.get(id(app))
    if last is not None and now - last < float(app.config["NOTICES_INTERVAL_SECONDS"]):
        return 0
    _last_round[id(app)] = now
    from lms_plugin.notices.services import run_round

    with app.test_request_context("/", base_url=public_url(app)):
        return run_round().sent


def public_url(app: Flask) -> str:
    """Where the tool is reached from a mail (TOOL_PUBLIC_URL; `make run`: the local server)."""
    return str(app.config.get("TOOL_PUBLIC_URL") or "http://127.0.0.1:5000/")


def register() -> None:
    from lms_plugin.lti.worker import add_background_task

    add_background_task(notices_task)
