"""`flask certification ...`: reminders, checks and revocation from the command line."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from lms_plugin.accounts.models import User
from lms_plugin.certification import services
from lms_plugin.db import db

group = AppGroup("certification", help="Mentor certificates.")


@group.command("remind")
@click.option(
    "--days",
    default=90,
    show_default=True,
    help="Remind about certificates expiring within this many days.",
)
def remind(days: int) -> None:
    """Flag certificates that expire soon; holders see the reminder on their dashboard."""
    certs = services.expiring(days)
    count = services.mark_reminded(certs)
    db.session.commit()
    for cert in certs:
        click.echo(f"{cert.code}  {cert.holder_name}  expires {cert.expires_at.date().isoformat()}")
    click.echo(f"{len(certs)} expiring within {days} days; {count} newly reminded.")


@group.command("check")
@click.option("--user-id", type=int, default=None, help="One user; all users when omitted.")
@click.option("--course", "course_id", default=services.DEFAULT_COURSE, show_default=True)
def check(user_id: int | None, course_id: str) -> None:
    """Issue certificates whose rules are met (normally automatic on every completion event)."""
    users = [user_id] if user_id else list(db.session.scalars(db.select(User.id)))
    issued = 0
    for uid in users:
        if services.check_and_issue(uid, course_id) is not None:
            issued += 1
    db.session.commit()
    click.echo(f"{issued} certificate(s) issued.")


@group.command("revoke")
@click.option("--code", required=True)
@click.option("--reason", required=True)
@click.option("--by-user-id", type=int, required=True, help="The coordinator revoking it.")
def revoke(code: str, reason: str, by_user_id: int) -> None:
    """Revoke a certificate by its verification code."""
    cert = services.find_by_code(code)
    by = db.session.get(User, by_user_id)
    if cert is None or by is None:
        raise click.ClickException("No such certificate or user.")
    services.revoke(cert, by, reason)
    db.session.commit()
    click.echo(f"Revoked {cert.code}.")


def register(app: Flask) -> None:
    """Add the group to the app's CLI."""
    app.cli.add_command(group)
