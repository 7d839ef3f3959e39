"""CLI: `flask backup`, `flask restore FILE`, `flask ops clean-uploads`, `flask ops purge-wal`."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup, with_appcontext

from lms_plugin.db import utcnow
from lms_plugin.ops.backup import create_backup
from lms_plugin.ops.restore import RestoreError, restore_backup

ops_cli = AppGroup("ops", help="Operations: orphan files, database traces.")


@click.command("backup")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Archive to write (default: BACKUP_DIR/lms-<UTC time>.tar.gz; BACKUP_DIR defaults to "
    "instance/backups).",
)
@click.option("--no-uploads", is_flag=True, help="Leave the uploaded files out.")
@with_appcontext
def backup_command(output: Path | None, no_uploads: bool) -> None:
    """Write every table and the uploads folder to a portable .tar.gz (0600, in a 0700 folder)."""
    from lms_plugin.ops.erasure import backup_dir

    if output is None:
        stamp = utcnow().strftime("%Y%m%dT%H%M%SZ")
        output = backup_dir() / f"lms-{stamp}.tar.gz"
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


@ops_cli.command("clean-uploads")
@click.option(
    "--min-age-hours",
    type=float,
    default=6.0,
    show_default=True,
    help="Only files older than this (an upload in progress is never touched).",
)
@click.option("--dry-run", is_flag=True, help="Only list what would be deleted.")
def clean_uploads_command(min_age_hours: float, dry_run: bool) -> None:
    """Delete uploads and export files that no row refers to (left by a crash)."""
    from lms_plugin.ops.orphans import clean_uploads

    result = clean_uploads(min_age_hours=min_age_hours, dry_run=dry_run)
    for path in result.removed:
        click.echo(f"{'would delete' if dry_run else 'deleted'} {path}")
    verb = "would be deleted" if dry_run else "deleted"
    click.echo(f"{len(result.removed)} orphan files {verb}, {result.kept} in use kept.")


@ops_cli.command("purge-wal")
def purge_wal_command() -> None:
    """Empty the SQLite WAL (PostgreSQL: VACUUM the helper tables) after erasures."""
    from lms_plugin.ops.erasure import purge_database_traces

    purge_database_traces()
    click.echo("Done.")


def register(app: Flask) -> None:
    """Add the commands to the app's CLI."""
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(ops_cli)
