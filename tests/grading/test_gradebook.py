"""End to end through the practice LMS: real launches, a grade released while the platform is down
reaches the gradebook once it is back (outbox + `flask lti deliver`)."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from flask.testing import FlaskClient
from sqlalchemy import select

from lms_plugin.db import db, utcnow
from lms_plugin.grading import services
from lms_plugin.grading.models import Submission
from lms_plugin.lti.outbox_models import ScoreDelivery
from lms_plugin.practice.models import PracticeLineItem, PracticeScore
from tests.availability_helpers import open_modules_for_session
from tests.grading.conftest import ASSIGNMENT
from tests.practice_platform import BASE, PracticeLms, run_launch


def _delivery() -> ScoreDelivery:
    db.session.expire_all()
    row = db.session.scalar(
        select(ScoreDelivery).where(ScoreDelivery.resource_id == "module:role-ethics")
    )
    assert row is not None
    return row


def test_grade_released_while_the_platform_is_down_arrives_when_it_is_back(
    client: FlaskClient, practice_lms: PracticeLms, runner: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Anna (a learner in the practice course) submits through the tool.
    run_launch(client, "anna", target="home", locale="en")
    open_modules_for_session(client)  # a trainer opened the modules early for Anna
    client.post(
        f"{BASE}/grading/assignments/{ASSIGNMENT}/draft",
        data={"text": "Az elemzésem", "action": "save"},
    )
    assert client.post(f"{BASE}/grading/assignments/{ASSIGNMENT}/submit").status_code == 302
    db.session.expire_all()
    sub = db.session.scalar(select(Submission))
    assert sub is not None and sub.state == "submitted"

    # Éva (the course's instructor) grades it in the tool's queue.
    queue = run_launch(client, "eva", target="grading", locale="en").response
    assert f"/grading/submissions/{sub.id}" in queue.get_data(as_text=True)
    rubric = services.find_assignment(ASSIGNMENT).assignment.rubric
    form = {f"level-{c.id}": str(len(c.levels) - 1) for c in rubric}
    form.update(version="0", outcome="pass", feedback="Alapos munka.", action="ready")
    assert client.post(f"{BASE}/grading/submissions/{sub.id}/grade", data=form).status_code == 302

    # The platform goes down, and Éva releases.
    real_send = practice_lms.transport.send

    def down(request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        if "/practice/" in str(request.url):
            raise requests.ConnectionError("practice LMS unreachable")
        return real_send(request, *args, **kwargs)

    monkeypatch.setattr(practice_lms.transport, "send", down)
    released = client.post(f"{BASE}/grading/release", data={"ids": str(sub.id), "confirm": "yes"})
    assert released.status_code == 302  # the release itself never fails on the platform
    released.close()  # the response is done: the fast path tries once, and the platform is down
    row = _delivery()
    assert row.status == "waiting" and row.attempts >= 1 and row.last_error
    page = client.get(f"{BASE}/grading/submissions/{sub.id}").get_data(as_text=True)
    assert "Moodle gradebook:" in page and "waiting" in page
    assert services.assignment_state(sub.user_id, ASSIGNMENT) == "passed"  # the trainee sees it now
    with practice_lms.app.app_context():
        assert (
            db.session.scalar(
                select(PracticeScore.id)
                .join(PracticeLineItem)
                .where(PracticeLineItem.resource_id == "module:role-ethics")
            )
            is None
        )

    # The platform is back; once the retry is due the worker delivers it.
    monkeypatch.setattr(practice_lms.transport, "send", real_send)
    row.next_attempt_at = utcnow()
    db.session.commit()
    result = runner.invoke(args=["lti", "deliver"])
    assert result.exit_code == 0, result.output
    assert _delivery().status == "sent"
    with practice_lms.app.app_context():
        item = db.session.scalar(
            select(PracticeLineItem).where(PracticeLineItem.resource_id == "module:role-ethics")
        )
        assert item is not None and item.tag == "assignment" and item.score_maximum == 20
        # The grade went into the module activity's own column: no column was added.
        assert db.session.query(PracticeLineItem).count() == 4
        score = db.session.scalar(
            select(PracticeScore).where(PracticeScore.line_item_id == item.id)
        )
        assert score is not None
        assert (score.user_sub, score.score_given, score.grading_progress) == (
            "4",
            20,
            "FullyGraded",
        )
        assert score.comment == "Alapos munka."
    gradebook = client.get(f"{BASE}/practice/gradebook").get_data(as_text=True)
    assert "Alapos munka." in gradebook
