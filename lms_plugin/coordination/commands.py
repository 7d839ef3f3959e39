"""CLI: `flask coordination retention|flag-renewals` and `flask demo pilot|national`."""

from __future__ import annotations

import time

import click
from flask import Flask
from flask.cli import AppGroup

from lms_plugin.db import db

coordination_cli = AppGroup("coordination", help="Coordination: helper data retention, renewals.")


@coordination_cli.command("retention")
@click.option("--dry-run", is_flag=True, help="Only count the helpers that would be deleted.")
def retention_command(dry_run: bool) -> None:
    """Delete helpers whose programme year ended more than the grace period ago."""
    from lms_plugin.coordination.peer_helpers.services import (
        apply_retention,
        expired_helpers,
        retention_grace_days,
    )
    from lms_plugin.ops import erasure

    helper_ids = [helper_id for helper_id, _school in expired_helpers()]
    count = apply_retention(dry_run=dry_run)
    if dry_run:
        click.echo(
            f"{count} peer helpers are past retention "
            f"(grace {retention_grace_days()} days); nothing deleted."
        )
        return
    db.session.commit()
    # No copy stays behind: the WAL is emptied and every backup is rewritten without them.
    erasure.purge_database_traces()
    scrubbed = erasure.scrub_backups(helper_ids)
    click.echo(
        f"Deleted {count} peer helpers past retention ({scrubbed} rows removed from backups)."
    )


@coordination_cli.command("flag-renewals")
def flag_renewals_command() -> None:
    """Flag placements whose mentor's certificate lapsed (and clear renewed ones), add newly
    certified teachers to the pool: the worker's daily round, now."""
    from lms_plugin.coordination.mentors.renewal_job import refresh_all

    result = refresh_all()
    db.session.commit()
    click.echo(
        f"{result.flagged} placements flagged for renewal, {result.cleared} cleared, "
        f"{result.added} teachers added to the mentor pool."
    )


demo_cli = AppGroup("demo", help="Load demo data.")


@demo_cli.command("pilot")
def demo_pilot_command() -> None:
    """The pilot: 6 centres, 24 schools, 81 certified mentors, 216 peer helpers."""
    from lms_plugin.coordination.demo import services as demo

    _load(demo.PILOT, demo.load_pilot)


@demo_cli.command("national")
def demo_national_command() -> None:
    """National: 100 centres, 1,000 schools, 5,000 mentors, 20,000 trainees, 50,000 helpers."""
    from lms_plugin.coordination.demo import services as demo

    _load(demo.NATIONAL, demo.load_national)


def _load(scale: object, loader: object) -> None:
    from lms_plugin.coordination.demo import services as demo

    assert isinstance(scale, demo.Scale) and callable(loader)
    if demo.existing(scale) is not None:
        click.echo(f"'{scale.name}' is already loaded; nothing to do.")
        return
    started = time.perf_counter()
    programme = loader()
    db.session.commit()
    demo.analyze()
    db.session.commit()
    elapsed = time.perf_counter() - started
    click.echo(
        f"Loaded '{programme.name}' (programme {programme.id}) in {elapsed:.1f} s: "
        f"{scale.mentors} certified mentors, {scale.in_training} teachers in training, "
        f"{scale.helpers} peer helpers."
    )


def register(app: Flask) -> None:
    """Add the command groups (the demo group may be shared with other features)."""
    app.cli.add_command(coordination_cli)
    existing = app.cli.get_command(None, "demo")  # type: ignore[arg-type]
    if isinstance(existing, click.Group) and existing is not demo_cli:
        for name, command in demo_cli.commands.items():
            existing.add_command(command, name)
    else:
        app.cli.add_command(demo_cli)
