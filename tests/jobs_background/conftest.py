"""Background jobs of the coordination: the organisation fixtures of tests/coordination."""

from __future__ import annotations

from datetime import date

from lms_plugin.coordination.models import PeerHelper
from lms_plugin.coordination.peer_helpers import services as peer_helpers
from lms_plugin.db import db
from tests.coordination.conftest import Org, _english, client, org  # noqa: F401 (fixtures)

NAMES = ["Bence K.", "Luca T.", "Máté S.", "Hanna V.", "Zoé P.", "Ádám N."]


def waiting_helpers(where: Org, n: int, school: int = 0) -> list[PeerHelper]:
    """`n` peer helpers waiting for a mentor at one of the organisation's schools."""
    helpers = [
        peer_helpers.create(
            where.schools[school],
            peer_helpers.HelperData(
                NAMES[i], 10, "informatika", "hu", date.today(), 2008, "self", True
            ),
            where.coordinator,
        )
        for i in range(n)
    ]
    db.session.commit()
    return helpers
