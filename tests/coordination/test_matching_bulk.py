"""A matching run costs the same statements at any size: one read per table, the drafts and the
reasons written in bulk, one audit row with counts (helpers are minors: no list of them)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import event

from lms_plugin.accounts.models import Role
from lms_plugin.coordination.audit import services as audit
from lms_plugin.coordination.matching import services as matching
from lms_plugin.coordination.models import HelperAuditLog, HelperLink, UnmatchedReason
from lms_plugin.coordination.peer_helpers import services as peer_helpers
from lms_plugin.db import db, utcnow
from tests.conftest import Factory, login
from tests.coordination.conftest import Org


def _helpers(org: Org, n: int, school: int) -> None:
    for i in range(n):
        peer_helpers.create(
            org.schools[school],
            peer_helpers.HelperData(
                f"PH-{school}{i:03d}", 10, "informatika", "hu", date.today(),
                date.today().year - 18, "self", True,
            ),
            org.coordinator,
        )  # fmt: skip
    db.session.commit()


@contextmanager
def statements() -> Iterator[list[str]]:
    sent: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        sent.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def _run(org: Org) -> tuple[int, Any]:
    db.session.expire_all()
    with statements() as sent:
        run = matching.run(org.programme, org.coordinator)
        db.session.commit()
    return len(sent), run


def test_statements_do_not_grow_with_the_helpers(org: Org, make: Factory) -> None:
    org.mentor(make, max_helpers=2)
    org.mentor(make, org.schools[1], max_helpers=50)
    _helpers(org, 3, 0)
    small, first = _run(org)
    _helpers(org, 40, 1)
    _helpers(org, 5, 0)
    large, second = _run(org)
    assert (first.helpers_considered, second.helpers_considered) == (3, 48)
    assert second.matched == 42  # 40 at the second school, 2 (its maximum) at the first
    assert large == small <= 12


def test_drafts_and_reasons_are_stored_readably(org: Org, make: Factory) -> None:
    mentor = org.mentor(make, max_helpers=1)
    _helpers(org, 3, 0)
    before = utcnow()
    run = matching.run(org.programme, org.coordinator)
    db.session.commit()
    db.session.expire_all()
    link = db.session.query(HelperLink).one()
    assert (link.mentor_id, link.status, link.run_id) == (mentor.id, "draft", run.id)
    assert link.created_by_id == org.coordinator.id
    assert before - timedelta(seconds=5) <= link.created_at <= utcnow()  # aware, in UTC
    reasons = db.session.query(UnmatchedReason).filter_by(run_id=run.id).all()
    assert sorted(r.reason for r in reasons) == ["no_capacity", "no_capacity"]


def test_one_audit_row_counts_the_run(org: Org, make: Factory, client: FlaskClient) -> None:
    org.mentor(make, max_helpers=1)
    _helpers(org, 3, 0)
    run = matching.run(org.programme, org.coordinator)
    db.session.commit()
    proposed = db.session.query(HelperAuditLog).filter_by(action=audit.PROPOSE).all()
    assert len(proposed) == 1
    row = proposed[0]
    assert row.helper_id is None and row.actor_id == org.coordinator.id
    assert json.loads(row.detail) == {  # data: the audit page says it in the reader's language
        "code": "match_run",
        "run": run.id,
        "considered": 3,
        "proposed": 1,
        "unmatched": 2,
    }
    login(client, org.coordinator, Role.COORDINATOR, org.context)
    page = client.get(f"/coordination/audit?programme={org.programme.id}&action=propose")
    assert page.status_code == 200
