"""A helper's audit rows (an edit, a link to a mentor, an erasure) are stored as data and read as
sentences in the reader's language; an edit names the fields changed, never their values."""

from __future__ import annotations

import dataclasses
import json
from datetime import date

from flask.testing import FlaskClient
from sqlalchemy import select

from lms_plugin.coordination.audit import services as audit
from lms_plugin.coordination.models import HelperAuditLog
from lms_plugin.coordination.peer_helpers import linking
from lms_plugin.coordination.peer_helpers import services as peer_helpers
from lms_plugin.db import db
from tests.conftest import Factory
from tests.coordination.conftest import Org, org
from tests.coordination_audit_text.test_match_run_audit import _rows

__all__ = ["org"]  # the fixture, used by name


def test_edits_links_and_erasures_read_as_sentences(
    org: Org, make: Factory, client: FlaskClient
) -> None:
    data = peer_helpers.HelperData(
        "Zsófi K.", 10, "informatika", "hu", date.today(), date.today().year - 17, "self", True
    )
    helper = peer_helpers.create(org.schools[0], data, org.coordinator)
    peer_helpers.update(
        helper, dataclasses.replace(data, display_name="Zsófia K.", school_year=11), org.coordinator
    )
    mentor = org.mentor(make, max_helpers=2)
    linking.link(helper, mentor, org.coordinator)
    db.session.commit()
    stored = {
        row.action: row.detail
        for row in db.session.scalars(
            select(HelperAuditLog).where(HelperAuditLog.helper_id == helper.id)
        )
    }
    assert json.loads(stored[audit.UPDATE]) == {
        "code": "fields",
        "fields": ["display_name", "school_year"],
    }
    assert "Zsófia" not in stored[audit.UPDATE]  # names of fields, never their values
    assert json.loads(stored[audit.LINK]) == {"code": "mentor", "mentor": mentor.id}
    peer_helpers.erase(helper, org.coordinator)
    db.session.commit()

    hu = " | ".join(_rows(client, org, "hu"))
    assert "Módosítva: név, évfolyam." in hu
    assert f"Mentor: #{mentor.id}." in hu
    assert "Törölve a kortárs segítő vagy a szülő kérésére." in hu
    for english in ("fields:", "display_name", "mentor ", "erased on request", "Changed"):
        assert english not in hu, english
    en = " | ".join(_rows(client, org, "en"))
    assert "Changed: name, school year." in en and f"Mentor #{mentor.id}." in en


def test_rows_written_before_stay_as_they_were(org: Org, client: FlaskClient) -> None:
    data = peer_helpers.HelperData(
        "Bence T.", 9, "gépészet", "hu", date.today(), date.today().year - 15, "guardian", True
    )
    helper = peer_helpers.create(org.schools[0], data, org.coordinator)
    audit.record(org.coordinator.id, audit.UPDATE, helper.id, helper.school_id, "fields: language")
    audit.record(org.coordinator.id, audit.LINK, helper.id, helper.school_id, '{"code": 7}')
    db.session.commit()
    rows = " | ".join(_rows(client, org, "hu"))
    assert "fields: language" in rows and '{"code": 7}' in rows  # shown as stored, no error
