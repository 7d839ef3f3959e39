"""The service year adds a school year of demo data to every demo programme coordination loads."""

from __future__ import annotations

from lms_plugin import events


def _fill_demo_year(event: events.DemoProgrammeLoaded) -> None:
    from lms_plugin.coordination.models import Programme
    from lms_plugin.db import db
    from lms_plugin.service.demo import already_loaded, load_service_year

    programme = db.session.get(Programme, event.programme_id)
    if programme is not None and not already_loaded(programme):
        load_service_year(programme)


def register() -> None:
    events.subscribe(events.DemoProgrammeLoaded, _fill_demo_year)
