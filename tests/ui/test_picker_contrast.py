"""The deep-linking picker as a teacher sees it in Chromium: axe-core's colour-contrast rule over
the page with the tool's real stylesheets, so a badge nobody can read ("graded", white on white)
fails."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask.testing import FlaskClient
from playwright.sync_api import Route, sync_playwright

from tests.lti.launch_platform import TOOL, LaunchPlatform

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"

pytestmark = pytest.mark.browser


def _serve_from(tool: FlaskClient, picker_html: str) -> Any:
    """Answer Chromium's requests from the test client: the picker page, then its static files."""

    def handle(route: Route) -> None:
        parts = urlsplit(route.request.url)
        if parts.path == "/picker":
            route.fulfill(status=200, content_type="text/html; charset=utf-8", body=picker_html)
            return
        answer = tool.get(parts.path + (f"?{parts.query}" if parts.query else ""))
        route.fulfill(
            status=answer.status_code,
            content_type=answer.headers.get("Content-Type", "application/octet-stream"),
            body=answer.get_data(),
        )

    return handle


def test_the_pickers_badges_are_readable(tool: FlaskClient, moodle: LaunchPlatform) -> None:
    if not CHROMIUM.exists():
        pytest.fail(f"Chromium is not installed at {CHROMIUM}: run `bash scripts/services.sh`.")
    if not AXE_SCRIPT.exists():
        pytest.fail(f"axe-core is missing ({AXE_SCRIPT}): run `make install`.")
    launched = moodle.launch(tool, "deep_linking")
    assert launched.status_code == 200
    html = launched.get_data(as_text=True)
    assert 'class="badge' in html, "the picker shows no graded item"

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            page = chromium.new_page(viewport={"width": 1024, "height": 900})
            page.route(f"{TOOL}/**", _serve_from(tool, html))
            page.goto(f"{TOOL}/picker")
            badges = page.locator(".picker-option .badge")
            assert badges.count() >= 1
            page.evaluate(AXE_SCRIPT.read_text(encoding="utf-8") + "\n;undefined")
            result: dict[str, Any] = page.evaluate(
                """async () => await axe.run(document, {
                    runOnly: {type: 'rule', values: ['color-contrast']}})"""
            )
        finally:
            chromium.close()

    checked = [
        " ".join(node["target"])
        for kind in ("passes", "violations", "incomplete")
        for rule in result[kind]
        for node in rule["nodes"]
    ]
    assert any("badge" in target for target in checked), checked  # the badges were looked at
    problems = [
        f"{' '.join(node['target'])}: {node.get('failureSummary', '')}"
        for rule in result["violations"] + result["incomplete"]
        for node in rule["nodes"]
    ]
    assert not problems, "text below WCAG AA contrast on the picker:\n" + "\n".join(problems)
