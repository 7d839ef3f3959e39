"""The programme's story in a real browser, every step starting on the practice LMS page and
entering the tool through a real LTI 1.3 launch into a cross-site iframe.

The tests of this module are one story told in order (pytest runs them top to bottom): Anna
learns and hands in, Éva grades, Anna finishes and is certified, Gábor places her at a school.
Each step checks the step before it left what it needs, so a broken step is named clearly.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from lms_plugin.courses.content import get_course
from lms_plugin.jobs.services import run_due_jobs
from tests.browser import seeding
from tests.browser.journey import Journey
from tests.browser.live_server import LiveServer

COURSE = "mentor-30h"
FIRST, SECOND = "programme", "role-ethics"
ANSWER = (
    "## Az eset\n\nA kortárs segítő elmondja, hogy egy társa önsértésről beszélt neki.\n\n"
    "- Meghallgatom, és megköszönöm a bizalmát.\n- Elmondom, hogy ezt nem tarthatjuk titokban.\n"
    "- Még aznap szólok az iskolapszichológusnak."
)
story: dict[str, Any] = {}


@pytest.fixture(scope="module")
def mentor_course(live: LiveServer) -> Any:
    """The course as the live app reads it (content is loaded inside an app context)."""
    with live.app.app_context():
        return get_course(COURSE)


def answer_quiz(trip: Journey, quiz: Any, lang: str = "hu") -> None:
    """Answer every question of the knowledge check correctly, as a reader would."""
    for question in quiz.questions:
        box = trip.tool.locator("fieldset.question", has_text=question.prompt[lang])
        if question.type in ("single", "multiple"):
            for option in question.options:
                if option.correct:
                    box.get_by_label(option.text[lang], exact=True).check()
        elif question.type == "truefalse":
            box.get_by_label("Igaz" if question.answer else "Hamis", exact=True).check()
        else:
            for pair in question.pairs:
                box.get_by_label(pair.left[lang], exact=True).select_option(label=pair.right[lang])


def test_1_trainee_reads_a_module_passes_its_check_submits_and_sees_progress(
    journey: Journey, mentor_course: Any
) -> None:
    module = mentor_course.module(FIRST)
    journey.launch("anna", f"module:{FIRST}")
    journey.shoot("module", docs="trainee-module.hu")
    journey.axe("module")
    assert module.title["hu"] in journey.heading()

    # Reading each lesson for its minimum active time (the heartbeats' record, seeded).
    seeding.spend_lesson_time(journey.live.app, "4", [lesson.id for lesson in module.lessons])
    journey.click(module.lessons[0].title["hu"])
    for number, lesson in enumerate(module.lessons):
        if journey.heading() != lesson.title["hu"]:
            journey.click("Következő")  # marking a lesson complete may already move on
        assert journey.heading() == lesson.title["hu"]
        if number == 0:
            journey.shoot("lesson", docs="trainee-lesson.hu")
            journey.axe("lesson")
        journey.click("Teljesítettnek jelölöm", role="button")
        assert "A lecke teljesítettnek jelölve." in journey.text()
        journey.shoot(f"lesson-{number + 1}-done")

    # After the last lesson the knowledge check opens by itself.
    assert journey.heading() == "Tudáspróba"
    journey.axe("quiz")
    answer_quiz(journey, module.quiz)
    journey.shoot("quiz-answered", docs="trainee-quiz.hu")
    journey.click("Válaszok beküldése", role="button")
    assert "Teljesítette" in journey.text(), journey.text()[:800]
    journey.shoot("quiz-passed")
    journey.axe("quiz-result")

    # The second module opened: its assignment is handed in from "My assignments".
    assignment = mentor_course.module(SECOND).assignment
    journey.click("Beadandó feladataim")
    journey.axe("my-assignments")
    journey.click(assignment.title["hu"])
    journey.tool.locator("#answer-text").fill(ANSWER)
    journey.shoot("assignment-draft", docs="trainee-assignment.hu")
    journey.axe("assignment")
    journey.click("Ellenőrzés és beadás…", role="button")
    journey.axe("confirm-submit")
    journey.click("A(z) 1. próbálkozás beadása", role="button")
    assert "Értékelésre vár" in journey.text() or "értékelésre vár" in journey.text()

    journey.click("Haladásom")
    page = journey.text()
    assert "Teljesítve" in page
    journey.shoot("progress", docs="trainee-progress.hu")
    journey.axe("progress")
    journey.click("Kezdőlap")
    journey.shoot("home", docs="trainee-home.hu")
    journey.axe("home")
    story["submitted"] = assignment.id


def test_2_trainer_grades_with_the_rubric_releases_and_moodle_shows_the_score(
    journey: Journey, mentor_course: Any
) -> None:
    assert story.get("submitted"), "the trainee's journey did not hand in the assignment"
    assignment = mentor_course.module(SECOND).assignment
    journey.launch("eva", "grading")
    journey.shoot("queue", docs="trainer-queue.hu")
    journey.axe("queue")
    journey.tool.get_by_role("row", name="Kovács Anna").get_by_role("link").first.click()
    journey.wait_for_tool()
    for criterion in assignment.rubric:
        best = max(range(len(criterion.levels)), key=lambda i: criterion.levels[i].points)
        journey.tool.locator(f"#l-{criterion.id}-{best}").check()
    journey.tool.locator("#feedback").fill("Alapos, jól átgondolt esetleírás. Gratulálok!")
    journey.tool.locator("#o-pass").check()
    journey.shoot("rubric", docs="trainer-rubric.hu")
    journey.axe("grade")
    journey.click("Mentés és késznek jelölés", role="button")
    journey.click("Közzététel…")
    journey.axe("confirm-release")
    journey.shoot("confirm-release")
    journey.tool.locator("form[action$='/grading/release'] button[type=submit]").click()
    journey.wait_for_tool()
    total = sum(max(level.points for level in c.levels) for c in assignment.rubric)

    # The score goes out right after the release (or with `flask lti deliver`); like a teacher,
    # reload Moodle's gradebook until it is there.
    cell = ""
    for _attempt in range(20):
        seeding.deliver_scores(journey.live.app)
        journey.page.goto(f"{journey.live.platform}/practice/gradebook")
        grid = journey.page.locator("table.practice-gradebook")
        headers = grid.locator("thead th").all_inner_texts()
        # The module activity's own column (the assignment's module, as deep linking made it).
        module = mentor_course.module(SECOND)
        titles = (module.title["hu"], module.title["en"])
        column = next((i for i, h in enumerate(headers) if any(t in h for t in titles)), None)
        if column is not None:
            anna = grid.locator("tbody tr", has=journey.page.locator("th", has_text="Kovács Anna"))
            cell = anna.locator("th, td").nth(column).inner_text()
            if str(total) in cell:
                break
        journey.page.wait_for_timeout(500)
    assert str(total) in cell, f"the gradebook shows {cell!r} for Anna"
    journey.shoot("gradebook", docs="practice-gradebook.hu")
    story["graded"] = total


def test_3_trainee_finishes_downloads_the_certificate_and_its_qr_verifies(
    journey: Journey, mentor_course: Any
) -> None:
    assert story.get("graded"), "the trainer's journey did not release the grade"
    seeding.complete_remaining_modules(journey.live.app, "4", except_modules=(FIRST,))
    journey.launch("anna", "certificate")
    journey.shoot("certificate", docs="trainee-certificate.hu")
    journey.axe("certificate")
    assert "Érvényes" in journey.text() or "érvényes" in journey.text(), journey.text()[:800]
    link = journey.tool.locator("a[href$='.pdf'], a[href*='.pdf?']").first
    with journey.page.expect_download() as info:
        link.click()
    pdf = info.value.path()
    assert pdf is not None
    url = seeding.qr_url_in_pdf(pdf.read_bytes())
    assert "/verify/" in url, url

    check = journey.context.new_page()
    assert url.startswith(journey.live.tool), url
    check.goto(url)
    assert "érvényes" in check.locator("main").inner_text().lower()
    check.screenshot(path=str(journey.artifact("verified-page")))
    journey.axe("verify", target=check)
    # Outside Moodle (no launch) the tool's home page explains itself.
    check.goto(f"{journey.live.tool}/")
    assert "Nyissa meg a Moodle-ból" in check.locator("main").inner_text()
    journey.axe("anonymous-home", target=check)
    check.goto(f"{journey.live.platform}/practice/")
    journey.axe("practice-lms", target=check)
    story["certified"] = url


def test_4_coordinator_places_the_mentor_and_matches_the_schools_helpers(
    journey: Journey, mentor_course: Any
) -> None:
    assert story.get("certified"), "the trainee was not certified"
    school = seeding.school_with_waiting_helpers(journey.live.app)
    # The Moodle admin grants Gábor coordinator rights by his Moodle user id.
    journey.launch("zsuzsa", "home")
    journey.shoot("admin-home", docs="admin-home.hu")
    journey.axe("admin-home")
    journey.click("Koordinátorok")
    journey.axe("admin-coordinators")
    journey.tool.get_by_label("Moodle-felhasználóazonosító", exact=True).fill("6")
    journey.tool.get_by_role("button", name="Koordinátori jog megadása").click()
    journey.wait_for_tool()
    # Coordinators see only what they are granted: the whole programme here.
    # The picker completes from the server: typed without accents, chosen from the keyboard.
    picker = journey.tool.get_by_role("combobox", name=re.compile("^Program vagy képzési")).first
    picker.press_sequentially("kortars", delay=30)
    suggestion = journey.tool.get_by_role("option", name=re.compile("Kortárs segítő program"))
    suggestion.first.wait_for()
    journey.axe("admin-coordinators-picker")
    picker.press("ArrowDown")
    picker.press("Enter")
    assert picker.input_value().startswith("Kortárs segítő program 2026/27"), picker.input_value()
    journey.tool.get_by_role("button", name="Megadás", exact=True).click()
    journey.wait_for_tool()
    journey.shoot("coordinator-granted", docs="admin-coordinators.hu")

    journey.launch("gabor", "coordination")
    journey.shoot("coverage", docs="coordinator-coverage.hu")
    journey.axe("coverage")
    journey.click("Mentorok")
    journey.axe("mentors")
    journey.click("Kovács Anna")
    # The school is typed (an autocomplete field at national scale), not picked from 1,000.
    journey.tool.get_by_label("Beosztás ide:").fill(school)
    journey.shoot("place", docs="coordinator-place.hu")
    journey.click("Beosztás", role="button", exact=True)
    assert school in journey.text()

    journey.click("Kortárs segítők")
    journey.axe("helpers")
    journey.click("Mentorjavaslat a várakozó segítőknek", role="button")
    # The matcher runs in the background: its page shows progress, then opens the review.
    assert "Mentorjavaslat (párosítás)" in journey.heading()
    assert run_due_jobs(journey.live.app) == 1
    journey.tool.get_by_role("button", name="A javaslat közzététele", exact=True).wait_for()
    journey.wait_for_tool()
    journey.shoot("proposal", docs="coordinator-match.hu")
    journey.axe("match")
    assert "3 várakozó segítőből 3 kapott párt" in journey.text()
    journey.click("A javaslat közzététele", role="button", exact=True)
    assert "3 hozzárendelés közzétéve" in journey.text()
    journey.shoot("published")
    # The mentor sees her helpers.
    journey.launch("anna", "home")
    journey.click("Beosztásaim")
    assert school in journey.text() and "SZ-001" in journey.text()
    journey.shoot("mentor-placements", docs="mentor-placements.hu")
    journey.axe("mentor-placements")


def test_5_the_same_pages_in_english_for_each_role(journey: Journey) -> None:
    assert story.get("certified"), "the story before did not finish"
    journey.launch("anna", "home", locale="en")
    assert journey.heading() == "Welcome, Kovács Anna"
    assert 'lang="en"' in journey.frame().content()
    journey.shoot("home-en", docs="trainee-home.en")
    journey.axe("home-en")
    journey.click("My progress", exact=True)
    journey.shoot("progress-en", docs="trainee-progress.en")
    journey.click("Certificate", exact=True)
    assert "Valid" in journey.text() or "valid" in journey.text()
    journey.shoot("certificate-en", docs="trainee-certificate.en")
    journey.click("Course", exact=True)
    journey.shoot("course-en", docs="trainee-course.en")
    journey.axe("course-en")
    journey.launch("eva", "grading", locale="en")
    journey.shoot("queue-en", docs="trainer-queue.en")
    journey.click("Home", exact=True)
    assert "0 submissions are waiting for grading." in journey.text()
    journey.shoot("trainer-home-en", docs="trainer-home.en")
    journey.launch("gabor", "coordination", locale="en")
    journey.shoot("coverage-en", docs="coordinator-coverage.en")
    journey.click("Mentors", exact=True)
    journey.shoot("mentors-en", docs="coordinator-mentors.en")
    journey.launch("zsuzsa", "home", locale="en")
    journey.shoot("admin-home-en", docs="admin-home.en")
    journey.click("Platforms", exact=True)
    journey.shoot("platforms-en", docs="admin-platforms.en")
    journey.axe("platforms-en")


@pytest.mark.parametrize("who", ["peter"])
def test_phone_trainee_reads_without_sideways_scrolling(
    phone: Journey, who: str, mentor_course: Any
) -> None:
    module = mentor_course.module(FIRST)
    phone.launch(who, "home")
    phone.assert_no_horizontal_scroll("home")
    phone.shoot("phone-home", docs="phone-home.hu")
    phone.axe("phone-home")
    phone.activate(phone.tool.get_by_role("button", name="Menü"))
    phone.tool.locator("#nav-main.show").wait_for()
    phone.shoot("phone-menu", docs="phone-menu.hu")
    phone.click("Haladásom", exact=True)
    phone.assert_no_horizontal_scroll("progress")
    phone.click("Kezdőlap", exact=True)
    phone.click(f"Folytatás: {module.lessons[0].title['hu']}")
    assert phone.heading() == module.lessons[0].title["hu"]
    phone.assert_no_horizontal_scroll("lesson")
    phone.shoot("phone-lesson", docs="phone-lesson.hu")
    phone.axe("phone-lesson")
