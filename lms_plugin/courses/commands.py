"""`flask courses check` and `flask courses sync`: thin wrappers over the validator and services."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

courses_cli = AppGroup("courses", help="Check and record the course content.")


@courses_cli.command("check")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary instead of text.")
@click.option(
    "--path",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The folder holding the course folders (default: COURSES_DIR).",
)
def check_command(as_json: bool, path: Path | None) -> None:
    """Report every problem in the course files with its file and line; exit 1 on any."""
    from lms_plugin.courses.validator import check_courses, format_report

    report = check_courses(path or Path(str(current_app.config["COURSES_DIR"])))
    if as_json:
        click.echo(json.dumps(report.as_json(), ensure_ascii=False, indent=2))
    else:
        for line in format_report(report):
            click.echo(line)
    if not report.ok:
        raise SystemExit(1)


@courses_cli.command("sync")
def sync_command() -> None:
    """Record each course's version; report items removed since the previous version."""
    from lms_plugin.courses.services import sync_all

    for line in sync_all():
        click.echo(line)


def register(app: Flask) -> None:
    """Add the `courses` command group."""
    app.cli.add_command(courses_cli)
