"""Real concurrency for the race tests: threads released at once against the app (SQLite in WAL
mode, or PostgreSQL when TEST_DATABASE_URL is set), each with its own browser."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask
from flask.testing import FlaskClient

from lms_plugin.accounts.current import SESSION_KEY

T = TypeVar("T")


def browser(app: Flask, user_id: int, role: str, context_pk: int | None) -> FlaskClient:
    """A logged-in browser, as a launch leaves it."""
    client = app.test_client()
    client.environ_base["wsgi.url_scheme"] = "https"
    with client.session_transaction() as sess:
        sess["_user_id"] = str(user_id)
        sess["_fresh"] = True
        sess[SESSION_KEY] = {
            "role": role,
            "context_pk": context_pk,
            "resource_link_pk": None,
            "target": "home",
        }
    return client


def at_once(n: int, work: Callable[[int], T], *, timeout: float = 60) -> list[T]:
    """Run work(0..n-1) in n threads released together by a barrier; re-raise the first error."""
    barrier = threading.Barrier(n)
    results: list[Any] = [None] * n
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            barrier.wait(timeout)
            results[i] = work(i)
        except BaseException as exc:  # noqa: BLE001 - reported to the test
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    if errors:
        raise errors[0]
    return results
