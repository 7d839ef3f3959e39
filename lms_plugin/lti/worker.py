"""Background work beside the web server: score delivery (and any due jobs) every few seconds.

`flask --app lms_plugin serve` (what `make run` starts) runs the web server and this worker in
one process, so nobody has to remember a second command. A deployment runs the same loop as its
own unit (`flask --app lms_plugin lti deliver --loop`, deploy/systemd/lms-deliver.service).
Several workers never send a score twice: each row is claimed with a conditional UPDATE (one
winner) before it is sent, and the claim holds while it is being sent (ags_delivery._claim).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from lms_plugin.db import db

log = logging.getLogger("lms_plugin.lti.worker")
Extra = Callable[[Flask], int]
_extra_tasks: list[Extra] = []


def add_background_task(task: Extra) -> None:
    """Let another feature run its due work in the same loop (e.g. background export jobs)."""
    if task not in _extra_tasks:
        _extra_tasks.append(task)


def one_round(app: Flask) -> int:
    """Deliver what is due, then run the other registered tasks; returns how much was done."""
    from lms_plugin.lti.ags_delivery import deliver_round

    done = 0
    with app.app_context():
        try:
            done += deliver_round().touched
        except Exception:
            db.session.rollback()
            log.exception("score delivery round failed")
        finally:
            db.session.remove()
        for task in list(_extra_tasks):
            try:
                done += task(app)
            except Exception:
                db.session.rollback()
                log.exception("background task failed", extra={"data": {"task": repr(task)}})
            finally:
                db.session.remove()
    return done


def start_background_worker(app: Flask, interval: float | None = None) -> threading.Event:
    """Start the loop in a daemon thread; set the returned event to stop it."""
    pause = interval if interval is not None else float(app.config.get("AGS_WORKER_INTERVAL", 15))
    stop = threading.Event()

    def _loop() -> None:
        while not stop.is_set():
            one_round(app)
            stop.wait(pause)

    threading.Thread(target=_loop, name="lms-background-worker", daemon=True).start()
    log.info("background worker started", extra={"data": {"interval": pause}})
    return stop


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option(
    "--interval", type=float, default=None, help="Seconds between delivery rounds (default 5)."
)
@with_appcontext
def serve_command(host: str, port: int, interval: float | None) -> None:
    """Serve the tool (development server) with score delivery running beside it."""
    from werkzeug.serving import run_simple

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    start_background_worker(app, interval if interval is not None else 5.0)
    click.echo(f"Tool:          http://{host}:{port}/")
    if app.config.get("PRACTICE_LMS_ENABLED"):
        click.echo(f"Practice LMS:  http://{host}:{port}/practice/")
    click.echo("Scores are delivered to the LMS every few seconds by this process.")
    run_simple(host, port, app, threaded=True, use_reloader=False)
