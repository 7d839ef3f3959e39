"""CLI: `flask accounts grant-tool-admin|revoke-tool-admin|list-tool-admins|end-sessions`."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import select

from lms_plugin.db import db

accounts_cli = AppGroup("accounts", help="Accounts: tool administrators, sessions.")


def _person(issuer: str, sub: str, granted: bool) -> None:
    from lms_plugin.accounts.tenants import set_tool_admin
    from lms_plugin.errors import NotFound

    try:
        users = set_tool_admin(issuer, sub, granted)
    except NotFound as exc:
        raise click.ClickException(exc.message) from None
    db.session.commit()
    verb = "is now" if granted else "is no longer"
    click.echo(f"{users[0].display_name} ({issuer}, user id {sub}) {verb} a tool administrator.")


@accounts_cli.command("grant-tool-admin")
@click.option("--issuer", required=True, help="The platform's issuer (Platform ID).")
@click.option("--sub", required=True, help="The user's id on that platform (LTI sub).")
def grant_tool_admin(issuer: str, sub: str) -> None:
    """Let a platform administrator manage every tenant (they must have launched once)."""
    _person(issuer, sub, True)


@accounts_cli.command("revoke-tool-admin")
@click.option("--issuer", required=True, help="The platform's issuer (Platform ID).")
@click.option("--sub", required=True, help="The user's id on that platform (LTI sub).")
def revoke_tool_admin(issuer: str, sub: str) -> None:
    """Take tool administration away; the person's sessions end at once."""
    _person(issuer, sub, False)


@accounts_cli.command("list-tool-admins")
def list_tool_admins() -> None:
    """Who manages every tenant."""
    from lms_plugin.accounts.models import User

    rows = db.session.execute(
        select(User.name, User.sub, User.issuer)
        .where(User.is_tool_admin.is_(True))
        .order_by(User.issuer, User.sub)
    ).all()
    if not rows:
        click.echo("No tool administrators.")
    for name, sub, issuer in rows:
        click.echo(f"{issuer}\t{sub}\t{name or ''}")


@accounts_cli.command("end-sessions")
@click.option("--issuer", required=True, help="The platform's issuer (Platform ID).")
@click.option("--sub", required=True, help="The user's id on that platform (LTI sub).")
def end_sessions(issuer: str, sub: str) -> None:
    """Log a person out everywhere (every copy of their session cookie stops working)."""
    from lms_plugin.accounts.current import end_all_sessions
    from lms_plugin.accounts.models import User

    users = list(db.session.scalars(select(User).where(User.issuer == issuer, User.sub == sub)))
    if not users:
        raise click.ClickException(f"Nobody with user id {sub!r} has launched from {issuer!r}.")
    for user in users:
        end_all_sessions(user)
    db.session.commit()
    click.echo(f"Ended the sessions of {len(users)} account(s).")


def register(app: Flask) -> None:
    app.cli.add_command(accounts_cli)
