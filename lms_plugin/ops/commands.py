"""CLI: `flask --app lms_plugin backup [--output FILE]` and `… restore FILE`."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from lms_plugin.db import utcnow
from lms_plugin.ops.backup import create_backup
from lms_plugin.ops.restore import RestoreError, restore_backup


@click.command("backup")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Archive to write (default: instance/backups/lms-<UTC time>.tar.gz).",
)
@click.option("--no-uploads", is_flag=True, help="Leave the uploaded files out.")
@with_appcontext
def backup_command(output: Path | None, no_uploads: bool) -> None:
    """Write every table and the uploads folder to a portable .tar.gz."""
    if output is None:
        stamp = utcnow().strftime("%Y%m%dT%H%M%SZ")
        output = Path(current_app.instance_path) / "backups" / f"lms-{stamp}.tar.gz"
    result = create_backup(output, include_uploads=not no_uploads)
    click.echo(
        f"Backup written to {result.path}: {sum(result.rows.values())} rows in "
        f"{len(result.rows)} tables, {result.files} files, migration {result.revision}."
    )


@click.command("restore")
@click.argument("archive", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def restore_command(archive: Path) -> None:
    """Restore a backup into an empty database migrated to the backup's revision."""
    try:
        result = restore_backup(archive)
    except RestoreError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(
        f"Restored {sum(result.rows.values())} rows in {len(result.rows)} tables "
        f"and {result.files} files from {archive}."
    )


def register(app: Flask) -> None:
    """Add the commands to the app's CLI."""
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
