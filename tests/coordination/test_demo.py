"""`flask demo pilot` loads a pilot programme that the dashboard and matcher can use at once."""

from __future__ import annotations

from flask import Flask

from lms_plugin.coordination.dashboard import services as dashboard
from lms_plugin.coordination.matching import services as matching
from lms_plugin.coordination.models import PeerHelper, Programme, School, TrainingCentre
from lms_plugin.db import db


def test_demo_pilot(app: Flask) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo", "pilot"])
    assert result.exit_code == 0, result.output
    assert "81 certified mentors" in result.output
    again = runner.invoke(args=["demo", "pilot"])
    assert "already loaded" in again.output
    with app.app_context():
        programme = db.session.query(Programme).one()
        assert db.session.query(TrainingCentre).count() == 6
        assert db.session.query(School).count() == 24
        assert db.session.query(PeerHelper).count() == 216
        assert "Baranya Vármegyei Szakképzési Centrum" in {
            c.name for c in db.session.query(TrainingCentre)
        }
        cov = dashboard.coverage(dashboard.DashboardFilter(programme.id))
        assert cov.totals.certified == 81
        assert cov.totals.without_mentor == 2
        assert cov.totals.linked + cov.totals.waiting == 216
        from lms_plugin.accounts.models import User

        coordinator = db.session.query(User).first()
        assert coordinator is not None
        run = matching.run(programme, coordinator)
        assert run.matched > 0
        db.session.rollback()
        db.session.remove()
