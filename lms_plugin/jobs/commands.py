"""CLI: `flask jobs run [--loop]`, `flask jobs list`, `flask jobs prune`."""

from __future__ import annotations

import signal
import threading
from types import FrameType

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import select

from lms_plugin.db import db
from lms_plugin.jobs import services
from lms_plugin.jobs.models import Job

jobs_cli = AppGroup("jobs", help="Background jobs: big exports.")


@jobs_cli.command("run")
@click.option("--loop", "loop", is_flag=True, help="Keep running jobs until SIGTERM or Ctrl-C.")
@click.option("--interval", type=float, default=5.0, help="Seconds between looks at the queue.")
def run_command(loop: bool, interval: float) -> None:
    """Run the queued jobs (once, or with --loop as a service)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if not loop:
        click.echo(f"Ran {services.run_due_jobs(app, limit=1000)} jobs.")
        return
    stop = threading.Event()

    def _stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, _stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    click.echo(f"Running jobs every {interval:g} s; stop with SIGTERM or Ctrl-C.")
    try:
        while not stop.is_set():
            try:
                ran = services.run_due_jobs(app)
            except Exception as exc:  # noqa: BLE001 - a database hiccup must not end the worker
                click.echo(f"round failed: {exc.__class__.__name__}: {exc}", err=True)
                ran = 0
            if not ran:
                stop.wait(interval)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    click.echo("Stopped.")


@jobs_cli.command("list")
def list_command() -> None:
    """The latest 50 jobs."""
    for job in db.session.scalars(select(Job).order_by(Job.id.desc()).limit(50)):
        click.echo(
            f"#{job.id} {job.kind} {job.status} {job.progress_done}/{job.progress_total} "
            f"owner={job.owner_id} created={job.created_at:%Y-%m-%d %H:%M}"
        )


@jobs_cli.command("prune")
def prune_command() -> None:
    """Delete expired jobs and their files."""
    click.echo(f"Pruned {services.prune_expired()} expired jobs.")


def register(app: Flask) -> None:
    """Add the command group; due jobs also run in the background worker beside the web server
    (`flask serve`, what `make run` starts); deployments run `flask jobs run --loop`."""
    from lms_plugin.jobs.services import run_due_jobs
    from lms_plugin.lti.worker import add_background_task

    app.cli.add_command(jobs_cli)
    add_background_task(run_due_jobs)
