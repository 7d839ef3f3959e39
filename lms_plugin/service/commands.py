"""CLI: `flask service retention [--dry-run]` and `flask demo service-year`."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import select

from lms_plugin.db import db

service_cli = AppGroup(
    "service", help="The peer-helper service year: retention of logbook details."
)


@service_cli.command("retention")
@click.option("--dry-run", is_flag=True, help="Only count what would be removed.")
def retention_command(dry_run: bool) -> None:
    """Remove logbook details older than SERVICE_DETAIL_RETENTION_YEARS; counts are kept."""
    from lms_plugin.service.privacy.retention import oldest_kept_year, remove_details

    removed = remove_details(dry_run=dry_run)
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    verb = "Would remove" if dry_run else "Removed"
    click.echo(
        f"{verb} details before {oldest_kept_year()}: {removed.sessions} sessions' notes, "
        f"{removed.meetings} meetings' notes, {removed.attendance} attendance rows, "
        f"{removed.orphans} rows of deleted helpers."
    )


@click.command("service-year")
@click.option("--programme", "programme_id", type=int, help="Programme id (default: the newest).")
def demo_service_year_command(programme_id: int | None) -> None:
    """Fill the programme's current school year with logbooks, referrals and outcomes."""
    from lms_plugin.coordination.models import Programme
    from lms_plugin.service.demo import already_loaded, load_service_year

    programme = (
        db.session.get(Programme, programme_id)
        if programme_id
        else db.session.scalar(select(Programme).order_by(Programme.id.desc()).limit(1))
    )
    if programme is None:
        raise click.ClickException("No programme: run `flask demo pilot` first.")
    if already_loaded(programme):
        click.echo(f"The service year of '{programme.name}' is already loaded; nothing to do.")
        return
    loaded = load_service_year(programme)
    db.session.commit()
    click.echo(
        f"Loaded the service year of '{programme.name}': {loaded.sessions} training sessions, "
        f"{loaded.meetings} meetings, {loaded.summaries} monthly summaries, "
        f"{loaded.referrals} referrals, {loaded.outcomes} outcome rows."
    )


def register(app: Flask) -> None:
    """Add `flask service …`, and `service-year` to the `demo` group (created if absent)."""
    app.cli.add_command(service_cli)
    existing = app.cli.get_command(None, "demo")  # type: ignore[arg-type]
    if isinstance(existing, click.Group):
        existing.add_command(demo_service_year_command)
    else:
        group = AppGroup("demo", help="Load demo data.")
        group.add_command(demo_service_year_command)
        app.cli.add_command(group)
