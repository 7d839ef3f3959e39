"""`flask progress ...`: recompute summaries (after a course change) from the records."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import select

from lms_plugin.accounts.models import Membership, Role
from lms_plugin.db import db

group = AppGroup("progress", help="Trainee progress.")


@group.command("recompute")
@click.option("--course", "course_id", default="mentor-30h", show_default=True)
def recompute(course_id: str) -> None:
    """Recompute every trainee's summaries (the cohort view reads them)."""
    from lms_plugin.progress.services import on_progress_event

    user_ids = set(
        db.session.scalars(select(Membership.user_id).where(Membership.role == Role.TRAINEE.value))
    )
    for user_id in sorted(user_ids):
        on_progress_event(user_id, course_id)
    db.session.commit()
    click.echo(f"Recomputed {len(user_ids)} trainee(s).")


def register(app: Flask) -> None:
    """Add the group to the app's CLI."""
    app.cli.add_command(group)
