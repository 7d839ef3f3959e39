"""A matcher run's audit row is stored as data (a code and counts) and read as a sentence in the
reader's language; rows written before (an English note) are still shown as they were."""

from __future__ import annotations

import html
import json
import re
from datetime import date

from flask.testing import FlaskClient
from sqlalchemy import select

from lms_plugin.accounts.models import Role
from lms_plugin.coordination.audit import services as audit
from lms_plugin.coordination.models import HelperAuditLog, HelperLink, MatchRun, PeerHelper
from lms_plugin.coordination.peer_helpers import services as peer_helpers
from lms_plugin.db import db
from lms_plugin.jobs.services import run_due_jobs
from tests.conftest import Factory, login
from tests.coordination.conftest import Org, org

__all__ = ["org"]  # the fixture, used by name

OLD_NOTE = "run 7: 3 helpers considered, 1 proposed, 2 left unmatched"


def _helpers(org: Org, n: int, school: int = 0) -> list[PeerHelper]:
    made = [
        peer_helpers.create(
            org.schools[school],
            peer_helpers.HelperData(
                f"Réka {'ABCDEFG'[i]}.",
                10,
                "informatika",
                "hu",
                date.today(),
                date.today().year - 18,
                "self",
                True,
            ),
            org.coordinator,
        )
        for i in range(n)
    ]
    db.session.commit()
    return made


def _matched(org: Org, make: Factory, client: FlaskClient) -> MatchRun:
    """6 waiting helpers, room for 4: the coordinator runs the matcher from the page."""
    org.mentor(make, max_helpers=2)
    org.mentor(make, max_helpers=2)
    _helpers(org, 5)
    _helpers(org, 1, school=1)  # no mentor placed at that school
    login(client, org.coordinator, Role.COORDINATOR, org.context)
    response = client.post("/coordination/match", data={"programme": org.programme.id})
    assert response.status_code == 303
    assert run_due_jobs(client.application) == 1
    db.session.expire_all()
    return db.session.scalars(select(MatchRun)).one()


def _rows(client: FlaskClient, org: Org, lang: str, query: str = "") -> list[str]:
    """The audit table's rows as a person reads them."""
    login(client, org.coordinator, Role.COORDINATOR, org.context, lang=lang)
    response = client.get(f"/coordination/audit{query}")
    assert response.status_code == 200
    body = response.get_data(as_text=True).split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", body, flags=re.S)
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", row)).split()) for row in rows]


def test_the_run_is_stored_as_data_not_as_an_english_sentence(
    org: Org, make: Factory, client: FlaskClient
) -> None:
    run = _matched(org, make, client)
    row = db.session.scalars(
        select(HelperAuditLog).where(HelperAuditLog.action == audit.PROPOSE)
    ).one()
    assert json.loads(row.detail) == {
        "code": "match_run",
        "run": run.id,
        "considered": 6,
        "proposed": 4,
        "unmatched": 2,
    }


def test_the_hungarian_page_reads_the_run_as_a_hungarian_sentence(
    org: Org, make: Factory, client: FlaskClient
) -> None:
    run = _matched(org, make, client)
    (hu,) = _rows(client, org, "hu", "?action=propose")
    sentence = (
        f"{run.id}. párosítási futtatás: 6 várakozó kortárs segítő, közülük 4 főnek készült "
        "mentorjavaslat, 2 fő mentor nélkül maradt."
    )
    assert f"Koordinátor Kata a párosító mentort javasolt {sentence}" in hu
    (en,) = _rows(client, org, "en", "?action=propose")
    assert (
        f"Matching run {run.id}: 6 waiting helpers considered, 4 proposed, 2 left without a mentor."
    ) in en
    # No word of the English row in the Hungarian one ("mentor" is Hungarian too), no JSON.
    english = {
        w for w in re.findall(r"\w+", en.lower()) if w.isascii() and w.isalpha() and len(w) > 2
    }
    english -= {"mentor", "kata", "dec", "jan", "feb", "aug", "nov"}  # shared by both languages
    # (month abbreviations: "5 Dec 2026" and "2026. dec. 5." in the time column)
    assert {"matching", "run", "waiting", "helpers", "considered", "proposed"} <= english
    words = set(re.findall(r"\w+", hu.lower()))
    assert not english & words, english & words
    assert "{" not in hu and "match_run" not in hu


def test_a_review_edit_reads_as_a_sentence(org: Org, make: Factory, client: FlaskClient) -> None:
    run = _matched(org, make, client)
    draft = db.session.scalars(select(HelperLink).where(HelperLink.status == "draft")).first()
    assert draft is not None
    moved = client.post(
        f"/coordination/match/{run.id}/move", data={"helper_id": draft.helper_id, "mentor_id": ""}
    )
    assert moved.status_code == 302
    hu = _rows(client, org, "hu", f"?action=update&helper={draft.helper_id}")
    assert any("A javaslat módosult: ez a kortárs segítő nem kap mentort." in r for r in hu), hu
    en = _rows(client, org, "en", f"?action=update&helper={draft.helper_id}")
    assert any("Proposal changed: no mentor for this helper." in r for r in en), en


def test_rows_written_before_are_shown_as_they_are(org: Org, client: FlaskClient) -> None:
    audit.record(org.coordinator.id, audit.PROPOSE, None, None, OLD_NOTE)
    # Data the page cannot read (a code of a later version, broken counts) is shown, not a 500.
    audit.record(org.coordinator.id, audit.PROPOSE, None, None, '{"code":"later","n":1}')
    audit.record(org.coordinator.id, audit.PROPOSE, None, None, '{"code":"match_run","run":"x"}')
    audit.record(org.coordinator.id, audit.PROPOSE, None, None, '{"code":["match_run"]}')
    db.session.commit()
    rows = " | ".join(_rows(client, org, "hu"))
    assert OLD_NOTE in rows
    assert '{"code":"later","n":1}' in rows and '{"code":"match_run","run":"x"}' in rows
