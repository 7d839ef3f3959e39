"""The register shows its changes as sentences: who marked whom, from what to what, the note, at
Budapest time, in Hungarian or English; never a status code or a stored snapshot."""

from __future__ import annotations

import html
import re

from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale

from lms_plugin.accounts.models import Role
from lms_plugin.db import db
from lms_plugin.live import audit_text, services
from tests.conftest import login
from tests.live.conftest import People, live_course, make_occurrence, people

__all__ = ["live_course", "people"]  # fixtures, used by name


def _changes(client: FlaskClient, people: People, occurrence_id: int, lang: str) -> str:
    login(client, people.trainer, Role.TRAINER, people.context, lang=lang)
    page = client.get(f"/live/dates/{occurrence_id}/register").get_data(as_text=True)
    section = page.split('aria-labelledby="mark-changes-h"', 1)[1].split("</section>", 1)[0]
    return html.unescape(re.sub(r"<[^>]+>", "", section))


def test_the_register_lists_its_changes_as_sentences(
    app_ctx: Flask, client: FlaskClient, people: People
) -> None:
    occurrence = make_occurrence(people)
    services.sign_up(people.anna.id, occurrence)
    db.session.commit()
    login(client, people.trainer, Role.TRAINER, people.context, lang="en")
    url = f"/live/dates/{occurrence.id}/register"
    client.post(url, data={f"status-{people.anna.id}": "absent"})
    client.post(
        url, data={f"status-{people.anna.id}": "late", f"note-{people.anna.id}": "20 perc késés"}
    )
    hu = _changes(client, people, occurrence.id, "hu")
    assert "(Budapest, helyi idő) — Tóth Tímea rögzítette Kiss Anna jelenlétét: " in hu
    assert "nincs jelölve → hiányzott." in hu
    assert "hiányzott → késett. Megjegyzés: 20 perc késés" in hu
    en = _changes(client, people, occurrence.id, "en")
    assert "(Budapest time) — Tóth Tímea marked Kiss Anna: absent → late. Note: 20 perc késés" in en
    assert "Tóth Tímea marked Kiss Anna: not marked → absent." in en
    for text in (hu, en):
        assert "{" not in text and "'status'" not in text


def test_mark_words_and_note_only_changes_fall_back_to_words(app_ctx: Flask) -> None:
    with force_locale("en"):
        assert audit_text.mark_word("excused") == "excused absence"
        assert audit_text.mark_word("teleported") == "unknown"
        note = audit_text.sentence(
            "Tóth Tímea", "Kiss Anna", {"status": "late", "note": "x"}, {"status": "late"}
        )
        assert note == "Tóth Tímea changed the note on Kiss Anna's mark. The note was removed."
        same = audit_text.sentence(
            "Tóth Tímea",
            "Kiss Anna",
            {"status": "late", "note": ""},
            {"status": "late", "note": ""},
        )
        assert same == "Tóth Tímea saved Kiss Anna's mark."
    with force_locale("hu"):
        odd = audit_text.sentence("Tóth Tímea", "Kiss Anna", {}, {"status": "teleported"})
        assert odd == "Tóth Tímea rögzítette Kiss Anna jelenlétét: nincs jelölve → ismeretlen."
