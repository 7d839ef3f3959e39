"""Every message in the code and templates is in both catalogues and translated into Hungarian."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "lms_plugin"
TRANSLATIONS = PACKAGE / "translations"
# The same mapping as babel.cfg, relative to lms_plugin/.
METHOD_MAP = [("**.py", "python"), ("templates/**.html", "jinja2")]
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None, "lazy_ngettext": (1, 2)}


def extracted() -> dict[str, list[str]]:
    """msgid → where it was found, for every message babel extracts from lms_plugin/."""
    found: dict[str, list[str]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(PACKAGE), METHOD_MAP, keywords=KEYWORDS, strip_comment_tags=True
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        if msgid:
            found.setdefault(msgid, []).append(f"{filename}:{lineno}")
    return found


def catalog(lang: str) -> Catalog:
    with (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=lang)


MESSAGES = extracted()
HOW_TO_FIX = "run `make translations`, then translate the new entries in lms_plugin/translations/"


def test_extraction_finds_the_messages() -> None:
    # A broken extraction (wrong mapping) must not make the other tests pass vacuously.
    assert len(MESSAGES) > 300
    assert "Skip to content" in MESSAGES
    assert "%(num)d school" in MESSAGES  # ngettext in a template


@pytest.mark.parametrize("lang", ["hu", "en"])
def test_every_message_is_in_the_catalogue(lang: str) -> None:
    cat = catalog(lang)
    missing = {m: where[0] for m, where in MESSAGES.items() if cat.get(m) is None}
    assert not missing, f"{len(missing)} messages missing from {lang} ({HOW_TO_FIX}): " + "; ".join(
        f"{m!r} ({where})" for m, where in sorted(missing.items())[:40]
    )


def test_every_message_is_translated_into_hungarian() -> None:
    cat = catalog("hu")
    untranslated = []
    for msgid, where in sorted(MESSAGES.items()):
        entry = cat.get(msgid)
        if entry is None:
            continue  # reported by the test above
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        if entry.fuzzy or not all(s.strip() for s in strings):
            untranslated.append(f"{msgid!r} ({where[0]})")
    assert not untranslated, f"{len(untranslated)} untranslated in hu ({HOW_TO_FIX}): " + "; ".join(
        untranslated[:40]
    )


@pytest.mark.parametrize("lang", ["hu", "en"])
def test_placeholders_match(lang: str) -> None:
    # A translation that drops or renames %(name)s would crash or mislead at run time.
    problems = [
        f"{message.id!r}: {'; '.join(str(e) for e in errors)}"
        for message, errors in catalog(lang).check()
        if errors and message.id in MESSAGES
    ]
    assert not problems, "\n".join(problems[:40])


def test_hungarian_plural_forms_are_declared() -> None:
    cat = catalog("hu")
    assert cat.num_plurals == 2
