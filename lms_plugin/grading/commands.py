"""`flask grading export`: the per-criterion CSV of a course, without a browser."""

from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import AppGroup
from flask_babel import force_locale

from lms_plugin.accounts.models import LmsContext
from lms_plugin.db import db
from lms_plugin.grading.export import export_csv

group = AppGroup("grading", help="Assignments and grading.")


@group.command("export")
@click.argument("context_pk", type=int)
@click.option("--assignment", default="", help="Only this assignment id (e.g. ethics-case).")
@click.option("--lang", default="hu", show_default=True, help="Language of titles and levels.")
def export_command(context_pk: int, assignment: str, lang: str) -> None:
    """Write the graded submissions of a course (LMS context id) as CSV to stdout."""
    if db.session.get(LmsContext, context_pk) is None:
        raise click.ClickException(f"There is no LMS context {context_pk}.")
    with force_locale(lang):  # headers and values in the requested language
        sys.stdout.write(export_csv(context_pk, lang, assignment))


def register(app: Flask) -> None:
    """Add the group to the app's CLI."""
    app.cli.add_command(group)
