"""Issue 17: writing that helps — the answer's length in words against the assignment's
`min_words` / `max_words` (format, page, confirmation, and the server's refusal far above)."""

from __future__ import annotations

from pathlib import Path

from flask.testing import FlaskClient

from lms_plugin.accounts.models import Role
from lms_plugin.courses.validator import check_courses
from lms_plugin.db import db
from lms_plugin.grading import services
from lms_plugin.grading.models import Submission
from lms_plugin.grading.wordcount import count_words, hard_limit
from tests.courses.fixture_courses import good_courses
from tests.grading.conftest import ASSIGNMENT, Cohort, as_user

ASSIGNMENT_YAML = "tiny/modules/02-practice/assignment.yaml"


def _draft(cohort: Cohort, text: str) -> Submission:
    located = services.find_assignment(ASSIGNMENT)
    draft = services.open_draft(cohort.anna, cohort.ctx.id, located)
    services.save_text(draft, located, text)
    db.session.commit()
    return draft


def test_words_are_counted_like_a_word_processor() -> None:
    text = "## Az eset\n\n- Meghallgatom, és **megköszönöm** a bizalmát.\n- kortárs-segítő 2026 —"
    assert count_words(text) == 9
    assert count_words("") == 0
    assert count_words("   \n - * # ") == 0


def test_the_course_format_reads_and_checks_the_limits(tmp_path: Path) -> None:
    folder = good_courses(tmp_path)
    path = folder / ASSIGNMENT_YAML
    original = path.read_text(encoding="utf-8")
    path.write_text(
        original.replace("max_attempts: 2\n", "max_attempts: 2\nmin_words: 900\nmax_words: 300\n")
    )
    problems = [p.message for p in check_courses(folder).problems]
    assert any("min_words (900) must not be more than max_words (300)" in m for m in problems)
    path.write_text(original.replace("max_attempts: 2\n", "max_attempts: 2\nmin_words: many\n"))
    problems = [p.message for p in check_courses(folder).problems]
    assert any("assignment.min_words must be a whole number" in m for m in problems)
    path.write_text(
        original.replace("max_attempts: 2\n", "max_attempts: 2\nmin_words: 100\nmax_words: 300\n")
    )
    assert check_courses(folder).problems == []


def test_the_real_assignment_declares_its_briefs_length() -> None:
    assignment = services.find_assignment(ASSIGNMENT).assignment
    assert (assignment.min_words, assignment.max_words) == (700, 1200)
    assert hard_limit(assignment) == 1320


def test_the_page_shows_the_count_and_the_limits(client: FlaskClient, cohort: Cohort) -> None:
    _draft(cohort, "Egy kettő három")
    as_user(client, cohort.anna, Role.TRAINEE, cohort.ctx)
    page = client.get(f"/grading/assignments/{ASSIGNMENT}").get_data(as_text=True)
    assert 'id="word-count"' in page and "3 words" in page
    assert "700–1,200 words" in page and "at least 700 needed" in page
    assert 'data-max-words="1200"' in page and 'data-limit-words="1320"' in page


def test_below_the_minimum_warns_but_submits(client: FlaskClient, cohort: Cohort) -> None:
    draft = _draft(cohort, "Rövid válasz.")
    as_user(client, cohort.anna, Role.TRAINEE, cohort.ctx)
    page = client.get(f"/grading/assignments/{ASSIGNMENT}/submit").get_data(as_text=True)
    assert "fewer than the 700 this assignment asks for" in page
    assert "Submit attempt 1" in page
    response = client.post(f"/grading/assignments/{ASSIGNMENT}/submit")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Submission, draft.id).state == "submitted"  # type: ignore[union-attr]


def test_far_above_the_maximum_is_refused_by_the_server(
    client: FlaskClient, cohort: Cohort
) -> None:
    draft = _draft(cohort, "szó " * 1321)
    as_user(client, cohort.anna, Role.TRAINEE, cohort.ctx)
    page = client.get(f"/grading/assignments/{ASSIGNMENT}/submit").get_data(as_text=True)
    assert "Your text has 1321 words; this assignment allows at most 1200." in page
    assert "Submit attempt 1" not in page
    response = client.post(f"/grading/assignments/{ASSIGNMENT}/submit")  # posted anyway
    assert response.status_code == 422
    assert "allows at most 1200" in response.get_data(as_text=True)
    db.session.expire_all()
    kept = db.session.get(Submission, draft.id)
    assert kept is not None and kept.state == "draft" and kept.text.count("szó") == 1321
    after = client.get(f"/grading/assignments/{ASSIGNMENT}").get_data(as_text=True)
    assert "too long to submit: shorten it to 1320 words or fewer" in after


def test_a_little_above_the_maximum_is_accepted(client: FlaskClient, cohort: Cohort) -> None:
    draft = _draft(cohort, "szó " * 1300)
    as_user(client, cohort.anna, Role.TRAINEE, cohort.ctx)
    page = client.get(f"/grading/assignments/{ASSIGNMENT}/submit").get_data(as_text=True)
    assert "a little more than the 1200 asked for" in page
    assert client.post(f"/grading/assignments/{ASSIGNMENT}/submit").status_code == 302
    db.session.expire_all()
    assert db.session.get(Submission, draft.id).state == "submitted"  # type: ignore[union-attr]
