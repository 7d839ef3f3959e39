"""`flask demo pilot` (and `demo service-year` for an existing programme) fills the pilot's school
year so every page shows real shapes."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from lms_plugin.db import db
from lms_plugin.service.models import OutcomeFigures, Referral, TrainingSession


def test_the_pilot_year_loads_once(app: Flask, app_ctx: Flask) -> None:
    runner = app.test_cli_runner()
    # `demo pilot` fills the service year too (coordination publishes DemoProgrammeLoaded).
    assert runner.invoke(args=["demo", "pilot"]).exit_code == 0
    sessions = db.session.scalar(select(func.count()).select_from(TrainingSession))
    assert sessions and sessions >= 81
    outcomes = db.session.scalar(select(func.count()).select_from(OutcomeFigures))
    assert outcomes == 48  # 24 schools × two terms
    assert db.session.scalar(select(func.count()).select_from(Referral))
    again = runner.invoke(args=["demo", "service-year"])
    assert "already loaded" in again.output
    assert db.session.scalar(select(func.count()).select_from(TrainingSession)) == sessions


def test_the_retention_command_runs(app: Flask, app_ctx: Flask, client: FlaskClient) -> None:
    result = app.test_cli_runner().invoke(args=["service", "retention", "--dry-run"])
    assert result.exit_code == 0 and "Would remove" in result.output
