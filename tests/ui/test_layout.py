"""Layout and accessibility rules every template keeps (the browser journeys check the result)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient

TEMPLATES = Path(__file__).resolve().parents[2] / "lms_plugin" / "templates"
BOXES = ("table-responsive", "table-scroll")
ALL = sorted(TEMPLATES.rglob("*.html"))


def unwrapped_tables(source: str) -> list[int]:
    """Line numbers of <table> tags not inside a box that scrolls on its own."""
    lines = []
    for match in re.finditer(r"<table\b", source):
        before = source[: match.start()]
        opened = max(before.rfind(box) for box in BOXES)
        if opened == -1 or before.rfind("</table>") > opened:
            lines.append(before.count("\n") + 1)
    return lines


@pytest.mark.parametrize("path", ALL, ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_tables_scroll_inside_their_own_box(path: Path) -> None:
    # At 360 px a wide table must not make the whole page scroll sideways.
    lines = unwrapped_tables(path.read_text())
    assert not lines, f'wrap the table in <div class="table-responsive-auto"> (lines {lines})'


@pytest.mark.parametrize("path", ALL, ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_no_inline_styles_or_scripts(path: Path) -> None:
    # The CSP (style-src 'self'; script-src 'self') would block them.
    source = path.read_text()
    assert not re.search(r"\sstyle=\"", source), "use a class in a static CSS file"
    assert not re.search(r"<script(?![^>]*\ssrc=)[^>]*>", source), "use a static JS file"


def test_the_example_detects_an_unwrapped_table() -> None:
    assert unwrapped_tables("<p>x</p>\n<table></table>") == [2]
    assert unwrapped_tables('<div class="table-responsive-auto"><table></table></div>') == []


def test_every_page_has_lang_skip_link_main_landmark_and_one_h1(client: FlaskClient) -> None:
    html = client.get("/").get_data(as_text=True)
    assert re.search(r'<html lang="(hu|en)">', html)
    assert 'href="#main"' in html and "Ugrás a tartalomra" in html
    assert '<main id="main"' in html
    assert len(re.findall(r"<h1[\s>]", html)) == 1
    # The language buttons name their own language for screen readers.
    assert 'lang="hu"' in html and 'lang="en"' in html
    assert 'aria-pressed="true"' in html


def test_print_styles_hide_navigation(client: FlaskClient) -> None:
    css = client.get("/static/app.css").get_data(as_text=True)
    printed = css[css.index("@media print") :]
    for selector in ("header", "nav", ".lang-switch", ".btn"):
        assert selector in printed
