"""One person's visit: the practice LMS page, a real LTI launch into the framed tool, screenshots,
axe-core checks and layout checks on every main page."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path
from typing import Any

from playwright.sync_api import BrowserContext, ConsoleMessage, Frame, FrameLocator, Locator, Page
from sqlalchemy import select

from lms_plugin.db import db
from lms_plugin.practice.models import PracticeResourceLink
from tests.browser.live_server import LiveServer

ROOT = Path(__file__).resolve().parents[2]
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts" / "browser"
DOC_SHOTS = ROOT / "docs" / "screenshots"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
BLOCKING = {"serious", "critical"}
TIMEOUT_MS = 45_000  # generous: CI machines are small and sometimes busy
# The deepest elements whose right edge passes the viewport: what to fix when a page is too wide.
WIDEST_SCRIPT = """(limit) => Array.from(document.querySelectorAll('body *'))
  .filter(e => e.getBoundingClientRect().right > limit + 1 && !e.closest('.table-responsive-auto,'
    + ' .table-responsive, .table-scroll') && ![...e.children].some(
      c => c.getBoundingClientRect().right > limit + 1))
  .slice(0, 5).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
    + (typeof e.className === 'string' && e.className
       ? '.' + e.className.trim().split(/\\s+/).join('.') : '')
    + ' (' + Math.round(e.getBoundingClientRect().right) + 'px)')"""


class Journey:
    """Drive one browser profile through the practice LMS and the tool inside its iframe."""

    def __init__(self, context: BrowserContext, live: LiveServer, name: str) -> None:
        self.context = context
        self.live = live
        self.name = re.sub(r"[^A-Za-z0-9_-]+", "-", name).strip("-")
        self.page: Page = context.new_page()
        self.page.set_default_timeout(TIMEOUT_MS)
        self.csp_errors: list[str] = []
        self.page.on("console", self._console)
        self.checked: list[str] = []
        self._shots = 0

    def _console(self, message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Refused to" in message.text:
            self.csp_errors.append(message.text)

    # --- the practice LMS and the launch
    def link_id(self, target: str) -> int:
        """The practice course's activity that launches `target`."""
        with self.live.app.app_context():
            found = db.session.scalar(
                select(PracticeResourceLink.id)
                .where(PracticeResourceLink.target == target)
                .order_by(PracticeResourceLink.id)
            )
        assert found is not None, f"the practice course has no activity for {target!r}"
        return int(found)

    def launch(self, who: str, target: str, *, locale: str = "hu") -> FrameLocator:
        """Pick the person, the activity and the language on /practice/ and press Launch."""
        page = self.page
        page.goto(f"{self.live.platform}/practice/")
        page.locator(f"#who-{who}").check()
        page.select_option("#link", value=str(self.link_id(target)))
        page.locator(f"#locale-{locale}").check()
        page.locator("form[action$='/practice/launch']").first.locator(
            "button[type=submit]"
        ).click()
        self.wait_for_tool()
        return self.tool

    @property
    def tool(self) -> FrameLocator:
        """Locators inside the framed tool."""
        return self.page.frame_locator("iframe.practice-frame")

    def frame(self) -> Frame:
        """The tool's frame (for scripts): it must be on the tool's origin, not the platform's."""
        handle = self.page.locator("iframe.practice-frame").element_handle()
        assert handle is not None, "the practice LMS page has no tool frame"
        frame = handle.content_frame()
        assert frame is not None
        return frame

    def wait_for_tool(self) -> None:
        """Until the framed tool shows one of its own pages (with its main landmark)."""
        self.tool.locator("main#main").wait_for()
        frame = self.frame()
        frame.wait_for_load_state()
        assert frame.url.startswith(self.live.tool), f"the frame is at {frame.url}"
        body = frame.locator("body").inner_text()
        assert "blocks cookies" not in body and "letiltja a sütiket" not in body, body[:500]

    def click(self, name: str, *, role: str = "link", exact: bool = False) -> None:
        """Click a link or button in the tool by its accessible name, then wait for the page.
        A menu entry hidden behind the collapsed navigation is reached by opening the menu."""
        target = self.tool.get_by_role(role, name=name, exact=exact).first  # type: ignore[arg-type]
        toggler = self.tool.locator("button.navbar-toggler")
        if not target.is_visible() and toggler.count() and toggler.is_visible():
            self.activate(toggler)
            self.tool.locator("#nav-main.show").wait_for()  # the opening animation has ended
            target.wait_for(state="visible")
        with self.frame().expect_navigation():
            self.activate(target)
        self.wait_for_tool()

    @property
    def is_phone(self) -> bool:
        size = self.page.viewport_size
        return bool(size and size["width"] < 768)

    def activate(self, target: Locator) -> None:
        """Click; on a phone profile, focus and Enter instead: on a busy machine Chromium's touch
        emulation now and then drops a tap (links, buttons and the menu toggler all failed so on
        CI), while the keyboard activates the same element the same way for the page."""
        if self.is_phone:
            target.focus()
            target.press("Enter")
        else:
            target.click()

    def heading(self) -> str:
        return self.tool.locator("main h1").first.inner_text()

    def text(self) -> str:
        return self.tool.locator("main").inner_text()

    # --- evidence: screenshots, axe, layout
    def shoot(self, label: str, *, docs: str | None = None) -> Path:
        """Save the whole page (platform + tool) under test-artifacts/; with `docs`, the tool's
        frame alone also goes to docs/screenshots/<docs>.png for the user guides (when missing,
        or always with LMS_UPDATE_SCREENSHOTS=1)."""
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self._shots += 1
        path = ARTIFACTS / f"{self.name}-{self._shots:02d}-{label}.png"
        self.page.screenshot(path=str(path), full_page=True)
        if docs:
            chosen = path
            frame = self.page.locator("iframe.practice-frame")
            if frame.count():
                chosen = ARTIFACTS / f"{self.name}-{self._shots:02d}-{label}-tool.png"
                frame.screenshot(path=str(chosen))
            # The guides' pictures are refreshed on request only, so a test run leaves the
            # working tree clean: LMS_UPDATE_SCREENSHOTS=1 make test (or a missing picture).
            target = DOC_SHOTS / f"{docs}.png"
            if os.environ.get("LMS_UPDATE_SCREENSHOTS") == "1" or not target.exists():
                DOC_SHOTS.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(chosen, target)
        return path

    def artifact(self, label: str) -> Path:
        """Where a screenshot taken by hand (another page of the same profile) goes."""
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        return ARTIFACTS / f"{self.name}-{label}.png"

    def axe(self, label: str, target: Page | Frame | None = None) -> None:
        """Run axe-core in the tool's frame (or another page); fail on serious or critical
        WCAG 2.1 AA findings."""
        frame = target or self.frame()
        if not frame.evaluate("() => typeof window.axe !== 'undefined'"):
            # The tool's CSP forbids inline scripts, so playwright's add_script_tag (an inline
            # <script>) is refused; evaluating the file through DevTools is not subject to CSP.
            frame.evaluate(AXE_SCRIPT.read_text(encoding="utf-8") + "\n;undefined")
        result: dict[str, Any] = frame.evaluate(
            """async (tags) => await axe.run(document, {
                runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})""",
            WCAG_TAGS,
        )
        found = [v for v in result["violations"] if v.get("impact") in BLOCKING]
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        report = ARTIFACTS / f"{self.name}-axe-{label}.json"
        report.write_text(json.dumps(result["violations"], indent=1, ensure_ascii=False))
        self.checked.append(label)
        assert not found, f"axe found serious problems on {label} ({frame.url}):\n" + "\n".join(
            f"- {v['id']} ({v['impact']}): {v['help']} at "
            + "; ".join(" ".join(n["target"]) for n in v["nodes"][:5])
            for v in found
        )

    def assert_no_horizontal_scroll(self, label: str) -> None:
        """Neither the platform page nor the framed tool scrolls sideways."""
        script = (
            "() => { const e = document.scrollingElement; return [e.scrollWidth, e.clientWidth]; }"
        )
        for where, target in (("platform page", self.page), ("tool", self.frame())):
            width, client = target.evaluate(script)
            if width > client:
                self.shoot(f"{label}-scrolls-sideways")
                wide = target.evaluate(WIDEST_SCRIPT, client)
                raise AssertionError(
                    f"{label}: the {where} scrolls sideways ({width} > {client} px); "
                    f"too wide: {wide}"
                )

    def finish(self) -> None:
        """Called at the end: the pages broke no Content-Security-Policy rule."""
        assert not self.csp_errors, "CSP violations:\n" + "\n".join(self.csp_errors[:10])
