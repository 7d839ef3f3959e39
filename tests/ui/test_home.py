"""The home page per role: what a trainee, trainer, coordinator, admin and visitor see first."""

from __future__ import annotations

from flask.testing import FlaskClient

from lms_plugin.accounts.models import LmsContext, Role, User
from lms_plugin.db import db
from lms_plugin.grading.models import SUBMITTED, Submission
from tests.conftest import Factory, login
from tests.practice_platform import PracticeLms, launch_as


def english(client: FlaskClient) -> None:
    with client.session_transaction() as sess:
        sess["lang"] = "en"


def page(client: FlaskClient) -> str:
    response = client.get("/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_visitors_learn_what_the_tool_is_and_to_open_it_from_moodle(client: FlaskClient) -> None:
    english(client)
    html = page(client)
    assert "30-hour mentor-training course" in html
    assert "Open it from Moodle" in html
    assert 'href="/practice/"' in html  # the practice LMS is on in tests
    assert "nav-main" not in html  # no role menu without a launch


def test_trainee_home_continues_the_course_and_shows_progress_and_certificate(
    client: FlaskClient, practice_lms: PracticeLms
) -> None:
    html = launch_as(client, "anna", target="home", locale="en").get_data(as_text=True)
    assert "Welcome, Kovács Anna" in html
    assert "You are signed in as trainee." in html
    # The first lesson of the first module is the next step.
    assert 'href="/course/programme/lessons/early-school-leaving">Continue: ' in html
    assert "0 of 30 hours credited" in html
    assert "0 of 9 modules complete" in html
    assert "Not yet earned" in html
    assert 'aria-current="page"' in html and ">Home<" in html


def test_trainer_home_counts_the_submissions_waiting(client: FlaskClient, make: Factory) -> None:
    context = make.context()
    trainer = make.user(context, Role.TRAINER, name="Nagy Éva")
    for n in range(3):
        trainee = make.user(context, Role.TRAINEE)
        db.session.add(
            Submission(
                user_id=trainee.id,
                context_pk=context.id,
                course_id="mentor-30h",
                module_id="role-ethics",
                assignment_id="ethics-case",
                attempt=1,
                state=SUBMITTED if n < 2 else "draft",
            )
        )
    db.session.commit()
    login(client, trainer, Role.TRAINER, context)
    english(client)
    html = page(client)
    assert "2 submissions are waiting for grading." in html
    assert "3 trainees in this course." in html
    assert 'href="/grading/"' in html


def test_one_waiting_submission_is_singular_in_english_and_counted_in_hungarian(
    client: FlaskClient, make: Factory
) -> None:
    context = make.context()
    trainer = make.user(context, Role.TRAINER)
    trainee = make.user(context, Role.TRAINEE)
    db.session.add(
        Submission(
            user_id=trainee.id,
            context_pk=context.id,
            course_id="mentor-30h",
            module_id="role-ethics",
            assignment_id="ethics-case",
            attempt=1,
            state=SUBMITTED,
        )
    )
    db.session.commit()
    login(client, trainer, Role.TRAINER, context)
    english(client)
    assert "1 submission is waiting for grading." in page(client)
    with client.session_transaction() as sess:
        sess["lang"] = "hu"
    assert "1 beadott munka vár értékelésre." in page(client)


def test_coordinator_home_links_the_coverage_summary(client: FlaskClient, make: Factory) -> None:
    user = make.user(None, Role.TRAINEE, is_coordinator=True)
    db.session.commit()
    login(client, user, Role.COORDINATOR)
    english(client)
    html = page(client)
    assert "Coverage summary" in html
    assert 'href="/coordination/"' in html
    assert "0 schools" in html


def test_admin_home_shows_platforms_and_coordinators(client: FlaskClient, make: Factory) -> None:
    context: LmsContext = make.context()
    admin: User = make.user(context, Role.ADMIN)
    make.user(None, Role.TRAINEE, is_coordinator=True)
    db.session.commit()
    login(client, admin, Role.ADMIN, context)
    english(client)
    html = page(client)
    assert "2 platforms registered (2 active)" in html
    assert "1 person has coordinator rights." in html
    assert 'href="/admin/platforms"' in html
    # An admin also teaches and coordinates: every menu is there.
    for entry in ("Grading", "Coverage", "Platforms", "Coordinators"):
        assert f">{entry}</a>" in html


def test_error_pages_are_translated_and_offer_a_way_back(
    client: FlaskClient, make: Factory
) -> None:
    user = make.user(make.context(), Role.TRAINEE)
    db.session.commit()
    login(client, user, Role.TRAINEE)
    response = client.get("/admin/platforms")
    assert response.status_code == 403
    html = response.get_data(as_text=True)
    assert "Nincs hozzáférése ehhez az oldalhoz" in html
    assert "Vissza a kezdőlapra" in html
    missing = client.get("/no-such-page").get_data(as_text=True)
    assert "Az oldal nem található" in missing
