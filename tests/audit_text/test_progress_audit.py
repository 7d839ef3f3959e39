"""The trainer's view of a trainee shows the progress audit as sentences: the actor's name,
the module's number and title, status words and the reason, at Budapest time, in Hungarian and
English."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale

from lms_plugin.accounts.models import Role, User
from lms_plugin.courses.content import Course, all_courses
from lms_plugin.db import db
from lms_plugin.progress import audit_text, labels, services
from lms_plugin.progress.models import ProgressAudit
from tests.conftest import Factory, login

AT = datetime(2029, 12, 12, 13, 5, tzinfo=UTC)  # 14:05 in Budapest


@pytest.fixture
def course() -> Course:
    return all_courses()[0]


def _audit(actor: User, trainee: User, course: Course, action: str, **values: object) -> None:
    module = course.modules[1]
    db.session.add(
        ProgressAudit(
            actor_id=actor.id,
            user_id=trainee.id,
            course_id=course.id,
            module_id=module.id,
            action=action,
            reason=str(values.get("reason", "")),
            before=values.get("before", {}),
            after=values.get("after", {}),
            created_at=AT,
        )
    )


def _page(client: FlaskClient, trainer: User, trainee: User, ctx: object, lang: str) -> str:
    login(client, trainer, Role.TRAINER, ctx, lang=lang)  # type: ignore[arg-type]
    response = client.get(f"/progress/trainee/{trainee.id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _audit_section(page: str) -> str:
    """The audit list as a reader sees it (tags removed)."""
    section = page.split('<h2 class="h5 mt-4">', 1)[1].split("</main>", 1)[0]
    return html.unescape(re.sub(r"<[^>]+>", "", section))


def test_a_trainer_override_reads_as_a_sentence_in_both_languages(
    app_ctx: Flask, client: FlaskClient, make: Factory, course: Course
) -> None:
    ctx = make.context()
    trainer = make.user(ctx, Role.TRAINER, name="Nagy Éva")
    trainee = make.user(ctx, Role.TRAINEE, name="Szabó Béla")
    module = course.modules[1]
    _audit(
        trainer,
        trainee,
        course,
        "mark_complete",
        reason="Papíron teljesítette",
        before={"status": "open"},
        after={"status": "complete"},
    )
    _audit(trainer, trainee, course, "open_early", reason="Pilot csoport")
    db.session.commit()

    hu = _audit_section(_page(client, trainer, trainee, ctx, "hu"))
    title_hu = module.title.get("hu") or module.title[course.default_language]
    assert (
        f"2029. dec. 12. 14:05 (Budapest, helyi idő) — Nagy Éva teljesítettnek jelölte a(z) "
        f"{module.order}. „{title_hu}” modult: nincs elkezdve → teljesítve. "
        "Indoklás: Papíron teljesítette"
    ) in hu
    assert f"Nagy Éva a feltételek teljesülése előtt megnyitotta a(z) {module.order}." in hu
    assert "mark_complete" not in hu and "open_early" not in hu and "{" not in hu

    en = _audit_section(_page(client, trainer, trainee, ctx, "en"))
    title_en = module.title.get("en") or module.title[course.default_language]
    assert (
        f"12 Dec 2029 14:05 (Budapest time) — Nagy Éva marked module {module.order} "
        f"“{title_en}” complete: not started → complete. Reason: Papíron teljesítette"
    ) in en
    assert f"Nagy Éva opened module {module.order} “{title_en}” early. Reason: Pilot csoport" in en
    assert "'status'" not in en and "mark_complete" not in en


def test_the_override_service_writes_a_line_the_page_shows(
    app_ctx: Flask,
    client: FlaskClient,
    make: Factory,
    course: Course,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(services, "_assignment_state", lambda user_id, assignment_id: "submitted")
    ctx = make.context()
    trainer = make.user(ctx, Role.TRAINER, name="Kiss Ildikó")
    trainee = make.user(ctx, Role.TRAINEE, name="Kovács Anna")
    module = course.core_modules[0]
    services.mark_module_complete(trainer, trainee.id, course, module.id, "Igazolt munka")
    db.session.commit()
    hu = _audit_section(_page(client, trainer, trainee, ctx, "hu"))
    assert (
        "Kiss Ildikó teljesítettnek jelölte" in hu and "→ teljesítve. Indoklás: Igazolt munka" in hu
    )
    assert "(Budapest, helyi idő)" in hu and "{'status'" not in hu


def test_unknown_codes_and_values_fall_back_to_words(app_ctx: Flask, course: Course) -> None:
    module = course.modules[0]
    with force_locale("en"):
        phrase = audit_text.module_phrase(course, module.id, "en")
        generic = audit_text.sentence("recalculated", "Nagy Éva", phrase, {}, {})
        assert generic == f"Nagy Éva changed the record of {phrase}."
        text = audit_text.sentence(
            "recalculated", "Nagy Éva", phrase, {"status": "x"}, {"status": "locked"}
        )
        assert text.endswith("Status: unknown → locked.") and "'x'" not in text
        assert audit_text.module_phrase(course, "gone", "en") == "a module no longer in the course"
    with force_locale("hu"):
        assert labels.status_word("in_progress") == "folyamatban"
        assert labels.status_word({"status": 1}) == "ismeretlen"
        phrase = audit_text.module_phrase(course, module.id, "hu")
        text = audit_text.sentence("recalculated", "Nagy Éva", phrase, {}, {})
        assert text == f"Nagy Éva módosította {phrase} érintő bejegyzést."
        assert text.startswith("Nagy Éva módosította") and "recalculated" not in text


def test_a_line_without_its_actor_names_a_former_user(
    app_ctx: Flask, make: Factory, course: Course
) -> None:
    ctx = make.context()
    trainee = make.user(ctx, Role.TRAINEE)
    row = ProgressAudit(
        actor_id=None,
        user_id=trainee.id,
        course_id=course.id,
        module_id=course.modules[0].id,
        action="mark_complete",
        reason="",
        before={},
        after={"status": "complete"},
        created_at=AT,
    )
    with force_locale("en"):
        (line,) = audit_text.audit_lines([row], course)
    assert line.text.startswith("A former user marked module")
    assert ": unknown → complete." in line.text and "Reason" not in line.text
    assert line.when == "12 Dec 2029 14:05 (Budapest time)"


def test_progress_codes_have_one_set_of_words_and_no_raw_fallback(app_ctx: Flask) -> None:
    with force_locale("hu"):
        assert labels.module_status_label("open") == "Nincs elkezdve"
        assert labels.evidence_state_label("needs_revision") == "átdolgozandó"
        assert labels.evidence_state_label("none") == "nincs elkezdve"
        assert labels.evidence_state_label("propose") == "ismeretlen"
        assert labels.module_status_label(None) == "ismeretlen"
    with force_locale("en"):
        assert labels.evidence_state_label("passed") == "passed"
        assert labels.status_word("complete") == "complete"
