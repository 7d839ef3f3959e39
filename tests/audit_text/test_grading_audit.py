"""A grade's history reads as sentences: who reopened or released the correction, what changed
(state, outcome, total) in words, at Budapest time; never a stored snapshot or an action code."""

from __future__ import annotations

import html
import re

from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale
from sqlalchemy import select

from lms_plugin.accounts.models import Role
from lms_plugin.db import db
from lms_plugin.grading import audit_text, services
from lms_plugin.grading.models import Submission
from tests.conftest import login
from tests.grading.conftest import ASSIGNMENT, Cohort, as_user, cohort, submitted

__all__ = ["cohort"]  # the fixture, used by name

REASON = "Fellebbezés: a 2. szempontot rossz sor szerint pontoztam."


def _form(level: int, outcome: str, version: int) -> dict[str, str]:
    rubric = services.find_assignment(ASSIGNMENT).assignment.rubric
    form = {f"level-{c.id}": str(level) for c in rubric}
    form.update(version=str(version), outcome=outcome, feedback="", action="ready")
    return form


def _version(sub_id: int) -> int:
    db.session.expire_all()
    grade = db.session.get(Submission, sub_id).grade  # type: ignore[union-attr]
    assert grade is not None
    return grade.version


def _corrected(client: FlaskClient, cohort: Cohort) -> int:
    """Released as a pass (20), reopened with a reason, released again as 16 needs revision."""
    sub = submitted(cohort.anna, cohort.ctx)
    as_user(client, cohort.trainer, Role.TRAINER, cohort.ctx)
    client.post(f"/grading/submissions/{sub.id}/grade", data=_form(3, "pass", 0))
    client.post("/grading/release", data={"ids": str(sub.id), "confirm": "yes"})
    client.post(
        f"/grading/submissions/{sub.id}/correct",
        data={"version": str(_version(sub.id)), "reason": REASON},
    )
    form = _form(2, "needs_revision", _version(sub.id))
    assert client.post(f"/grading/submissions/{sub.id}/grade", data=form).status_code == 302
    client.post("/grading/release", data={"ids": str(sub.id), "confirm": "yes"})
    return sub.id


def _history(client: FlaskClient, cohort: Cohort, sub_id: int, lang: str) -> str:
    login(client, cohort.trainer, Role.TRAINER, cohort.ctx, lang=lang)
    page = client.get(f"/grading/submissions/{sub_id}").get_data(as_text=True)
    section = page.split('class="mt-3 correction-history"', 1)[1].split("</section>", 1)[0]
    return html.unescape(re.sub(r"<[^>]+>", "", section))


def test_the_correction_history_reads_as_sentences(
    app_ctx: Flask, client: FlaskClient, cohort: Cohort
) -> None:
    sub_id = _corrected(client, cohort)
    hu = _history(client, cohort, sub_id, "hu")
    assert re.search(r"\d{4}\. [a-zá-ű]+\.? \d{1,2}\. \d\d:\d\d \(Budapest, helyi idő\) — ", hu)
    assert (
        "Nagy Éva javításra újranyitotta a közzétett értékelést (20 / 20 pont, megfelelt). "
        f"Indoklás: {REASON}"
    ) in hu
    assert (
        "Nagy Éva közzétette a javított értékelést: eredmény: megfelelt → átdolgozandó; "
        "összpontszám: 20 → 16 / 20 pont."
    ) in hu
    en = _history(client, cohort, sub_id, "en")
    assert "(Budapest time) — Nagy Éva reopened the released grade (20 / 20 points, pass)" in en
    assert (
        "Nagy Éva released the correction: outcome pass → needs revision; "
        "total 20 → 16 / 20 points."
    ) in en
    for page in (hu, en):
        assert "{" not in page and "rereleased" not in page and "needs_revision" not in page


def test_every_action_has_a_sentence_and_unknown_ones_a_generic_one(app_ctx: Flask) -> None:
    before = {"state": "in_progress", "outcome": None, "total": 10}
    after = {"state": "ready", "outcome": "pass", "total": 14}
    with force_locale("en"):
        said = {
            action: audit_text.sentence(action, "Nagy Éva", before, after, points=20)
            for action in ("save", "ready", "reopen", "released", "rereleased", "correction")
        }
        assert said["ready"] == (
            "Nagy Éva marked the grade ready for release: state in progress → ready for "
            "release; outcome no outcome → pass; total 10 → 14 / 20 points."
        )
        assert said["released"] == "Nagy Éva released the grade: 14 / 20 points, pass."
        assert said["correction"].startswith("Nagy Éva reopened the released grade (10 / 20")
        assert audit_text.sentence("save", "Nagy Éva", after, after) == (
            "Nagy Éva saved the marking."
        )
        allocated = audit_text.sentence(
            "allocated", "Nagy Éva", {}, {"allocated_to_id": 7}, marker_names={7: "Kiss Ildikó"}
        )
        assert allocated == "Nagy Éva gave the submission to Kiss Ildikó."
        assert audit_text.sentence("allocated", "Nagy Éva", {}, {"allocated_to_id": None}) == (
            "Nagy Éva left the submission without a marker."
        )
        assert "a former user" in audit_text.sentence(
            "allocated", "Nagy Éva", {}, {"allocated_to_id": 9}
        )
        odd = audit_text.sentence("archived", "Nagy Éva", {"state": "zzz"}, {"state": "weird"})
        assert odd == "Nagy Éva changed the grade: state unknown → unknown."
        assert (
            audit_text.sentence("archived", "Nagy Éva", None, None) == "Nagy Éva changed the grade."
        )
    with force_locale("hu"):
        assert audit_text.outcome_word("needs_revision") == "átdolgozandó"
        assert audit_text.outcome_word(None) == "nincs eredmény"
        assert audit_text.state_word("released") == "közzétéve"
        text = audit_text.sentence("archived", "Nagy Éva", before, after, points=20)
        assert text.startswith("Nagy Éva módosította az értékelést: állapot: folyamatban")
        assert "archived" not in text and "{" not in text
    for sentence in said.values():
        assert "{" not in sentence and "in_progress" not in sentence
    assert db.session.scalar(select(Submission.id)) is None
