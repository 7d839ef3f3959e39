"""The home, progress and certificate pages name each unmet requirement, with a link to it."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from flask_babel import force_locale

from lms_plugin.accounts.models import Role, User
from lms_plugin.certification.missing import missing_requirements
from lms_plugin.courses import quizzes
from lms_plugin.courses.content import Course, get_course, localized
from lms_plugin.db import db
from lms_plugin.progress.services import mark_module_complete
from tests.conftest import Factory, login
from tests.courses.conftest import tiny, tiny_dir  # noqa: F401 - the tiny course fixtures
from tests.time_helpers import complete_with_time

PAGES = ("/", "/progress/", "/certificate")


def _trainee_with_modules_done_but_check_failed(
    client: FlaskClient, make: Factory, course: Course, module_id: str
) -> User:
    """Every module marked complete by the trainer, one knowledge check failed once."""
    context = make.context()
    user = make.user(context, Role.TRAINEE)
    trainer = make.user(context, Role.TRAINER)
    basics = course.module(module_id)
    assert basics is not None and basics.quiz is not None
    for lesson in basics.lessons:
        complete_with_time(user.id, course, lesson, None)
    quizzes.submit_attempt(user.id, course, basics.quiz, {}, None)  # every answer wrong
    for module in course.core_modules:
        mark_module_complete(trainer, user.id, course, module.id, "completed on paper")
    db.session.commit()
    login(client, user, Role.TRAINEE, context)
    with client.session_transaction() as sess:
        sess["lang"] = "en"
    return user


def test_a_failed_check_is_named_with_its_link_everywhere(
    client: FlaskClient, make: Factory
) -> None:
    course = get_course("mentor-30h")
    first = course.core_modules[0]
    user = _trainee_with_modules_done_but_check_failed(client, make, course, first.id)
    items = missing_requirements(user.id, course)
    kinds = [(i.kind, i.endpoint, i.values) for i in items]
    assert ("quiz", "courses.quiz", {"module_id": first.id}) in kinds
    assert ("assignment", "grading.assignment", {"assignment_id": "ethics-case"}) in kinds
    assert not any(i.kind in ("lessons", "module") for i in items)  # modules are complete
    with force_locale("en"):
        check = f"Knowledge check of “{localized(first.title, 'en')}” not passed"
    for url in PAGES:
        page = client.get(url)
        assert page.status_code == 200, url
        text = page.get_data(as_text=True)
        assert "Still needed for the certificate:" in text, url
        assert f'href="/course/{first.id}/quiz"' in text, url
        assert check in text and "(best so far 0%)" in text, url
        assert 'href="/grading/assignments/ethics-case"' in text, url
        assert "not submitted yet" in text, url


def test_a_new_trainee_sees_modules_and_hours_to_go(
    client: FlaskClient,
    make: Factory,
    tiny: Course,  # noqa: F811
) -> None:
    context = make.context()
    user = make.user(context, Role.TRAINEE)
    db.session.commit()
    with force_locale("en"):
        items = missing_requirements(user.id, tiny)
    lessons = [i for i in items if i.kind == "lessons"]
    assert [i.values for i in lessons] == [{"module_id": "basics"}, {"module_id": "practice"}]
    hours = [i for i in items if i.kind == "hours"]
    assert len(hours) == 1 and hours[0].endpoint == "progress.dashboard"
    assert "0 of 2 hours" in hours[0].text


def test_nothing_is_listed_once_every_rule_holds(
    make: Factory,
    tiny: Course,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import lms_plugin.certification.services as cert_services
    from lms_plugin.certification.rules import RuleStatus

    user = make.user(make.context(), Role.TRAINEE)
    assert missing_requirements(user.id, tiny)
    monkeypatch.setattr(
        cert_services, "rule_report", lambda *a, **k: [RuleStatus("hours", "Hours", True)]
    )
    assert missing_requirements(user.id, tiny) == []
