"""`flask notices send`: one round now (for cron deployments and for trying it out)."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup

group = AppGroup("notices", help="E-mail reminders and notices.")


@group.command("send")
def send_command() -> None:
    """Send every notice that is due now (each at most once)."""
    from lms_plugin.notices.services import run_round
    from lms_plugin.notices.subscriptions import public_url

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    with app.test_request_context("/", base_url=public_url(app)):
        result = run_round()
    click.echo(
        f"sent {result.sent}, already sent {result.already_sent}, turned off {result.turned_off}, "
        f"no address {result.no_address}, failed {result.failed}"
    )


def register(app: Flask) -> None:
    app.cli.add_command(group)
