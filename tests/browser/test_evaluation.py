"""The course evaluation in a real browser: the entry self-assessment on a phone, and survey
results that stay hidden below five answers."""

from __future__ import annotations

from sqlalchemy import select

from lms_plugin.accounts.models import Membership, User
from lms_plugin.db import db
from lms_plugin.evaluation.models import SurveyAnswer
from tests.browser.journey import Journey
from tests.browser.live_server import LiveServer

COURSE = "mentor-30h"


def test_phone_trainee_fills_in_the_entry_self_assessment(phone: Journey, live: LiveServer) -> None:
    phone.launch("gabor", "home")
    phone.click("Bemeneti önértékelés kitöltése")
    assert phone.heading() == "Bemeneti önértékelés"
    phone.assert_no_horizontal_scroll("entry-form")
    phone.axe("entry-form")
    statements = phone.tool.locator("fieldset")
    count = statements.count()
    assert 8 <= count <= 12
    for index in range(count):
        label = statements.nth(index).get_by_text("3 – Többnyire magabiztosan alkalmazom")
        box = label.bounding_box()
        assert box is not None and box["width"] <= 360  # the whole label is on the screen
        label.tap()  # a finger on the label chooses the level
    phone.shoot("entry-form", docs="phone-self-assessment.hu")
    phone.click("Önértékelés mentése", role="button")
    assert phone.heading() == "A képzés értékelése"
    assert "Köszönjük, az önértékelését elmentettük." in phone.text()
    phone.assert_no_horizontal_scroll("evaluation")
    phone.axe("evaluation")


def _seed_answers(live: LiveServer, context_pk: int, numbers: range) -> None:
    with live.app.app_context():
        for n in numbers:
            db.session.add(
                SurveyAnswer(
                    course_id=COURSE,
                    context_pk=context_pk,
                    month="2026-12",
                    answers={"aims": 4, "relevance": 5, "improve": f"Több gyakorlat {n}"},
                )
            )
        db.session.commit()


def _trainer_context(live: LiveServer) -> int:
    with live.app.app_context():
        found = db.session.scalar(
            select(Membership.context_pk)
            .join(User, User.id == Membership.user_id)
            .where(User.sub == "3", Membership.role == "trainer")
        )
    assert found is not None, "Éva has not launched the course"
    return int(found)


def test_survey_results_are_hidden_below_five_answers(journey: Journey, live: LiveServer) -> None:
    journey.launch("eva", "home")
    context_pk = _trainer_context(live)
    _seed_answers(live, context_pk, range(4))
    journey.click("A képzés értékelése", exact=True)
    journey.click("Az elégedettségi kérdőív eredményei")
    assert journey.heading() == "Az elégedettségi kérdőív eredményei"
    text = journey.text()
    assert "Kevesebb mint 5 válasz érkezett" in text and "Több gyakorlat" not in text
    _seed_answers(live, context_pk, range(4, 5))
    journey.click("A képzés értékelése", exact=True)
    journey.click("Az elégedettségi kérdőív eredményei")
    text = journey.text()
    assert "Kevesebb mint 5 válasz" not in text and "Több gyakorlat 4" in text
    assert "Átlag: 4" in text
    journey.axe("survey-results")
    journey.shoot("survey-results", docs="trainer-survey-results.hu")
