"""Shared steps of the Moodle tests: launching an activity, reading the tool inside Moodle's frame,
reading Moodle's gradebook."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import yaml

from tests.moodle.conftest import mcli, moodle_login

ROOT = Path(__file__).resolve().parents[2]
COURSE_DIR = ROOT / "courses" / "mentor-30h"


def module_yaml(module_id: str) -> tuple[Path, dict[str, Any]]:
    """The folder and module.yaml of a module, by its id."""
    for path in sorted((COURSE_DIR / "modules").glob("*/module.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if data.get("id") == module_id:
            return path.parent, data
    raise LookupError(module_id)


def pick_modules() -> tuple[str, str]:
    """(a module whose grade is its knowledge check, a module with an assignment), in course
    order: the first module with a quiz but no assignment, the first with an assignment."""
    quiz = assignment = None
    for path in sorted((COURSE_DIR / "modules").glob("*/module.yaml")):
        folder = path.parent
        mid = yaml.safe_load(path.read_text(encoding="utf-8"))["id"]
        has_assignment = (folder / "assignment.yaml").exists()
        if has_assignment and assignment is None:
            assignment = mid
        if (folder / "quiz.yaml").exists() and not has_assignment and quiz is None:
            quiz = mid
    assert quiz and assignment, "the course has no quiz-only module or no assignment module"
    return quiz, assignment


def tool_frame(page: Any) -> Any:
    """The tool's frame inside Moodle (embedded launch: iframe#contentframe)."""
    return page.frame_locator("#contentframe")


def frame_of(page: Any) -> Any:
    handle = page.locator("#contentframe").element_handle()
    assert handle is not None, f"Moodle's page {page.url} has no tool frame"
    frame = handle.content_frame()
    assert frame is not None
    return frame


def wait_for_tool(page: Any, tool_url: str) -> Any:
    """Until the framed tool shows one of its pages; returns the Frame."""
    tool_frame(page).locator("main#main, main").first.wait_for(timeout=45_000)
    frame = frame_of(page)
    frame.wait_for_load_state()
    assert frame.url.startswith(tool_url), f"the frame is at {frame.url}"
    return frame


def open_activity(page: Any, site: dict[str, Any], view_url: str, tool_url: str) -> Any:
    """Open an activity in Moodle (already logged in); returns the tool's Frame."""
    page.goto(view_url)
    return wait_for_tool(page, tool_url)


def login_and_open(
    page: Any, site: dict[str, Any], username: str, view_url: str, tool_url: str
) -> Any:
    moodle_login(page, site, username)
    return open_activity(page, site, view_url, tool_url)


def frame_ancestor_answers(tool_url: str, requests: int = 12) -> list[str]:
    """The CSP frame-ancestors each of `requests` fresh connections to the tool gets (gunicorn
    spreads them over its workers)."""
    import ssl
    import urllib.request

    context = ssl.create_default_context()
    answers = []
    for _ in range(requests):
        with urllib.request.urlopen(f"{tool_url}/healthz", timeout=10, context=context) as resp:
            csp = resp.headers.get("Content-Security-Policy", "")
        answers.append(csp.split("frame-ancestors", 1)[-1].split(";")[0].strip())
    return answers


def path_of(frame: Any) -> str:
    return urlparse(frame.url).path


def main_text(frame: Any) -> str:
    return str(frame.locator("main").first.inner_text())


def heading(frame: Any) -> str:
    return str(frame.locator("main h1").first.inner_text())


def course_id(site: dict[str, Any]) -> str:
    return str(site["course_id"])


def grade_items(site: dict[str, Any]) -> list[dict[str, Any]]:
    data = mcli(site, "grade-items", course_id(site))
    items = data["items"] if isinstance(data, dict) else data
    return list(items)


def lti_columns(site: dict[str, Any]) -> list[dict[str, Any]]:
    """Gradebook columns other than the course total."""
    return [i for i in grade_items(site) if i.get("itemtype") != "course"]


def grades(site: dict[str, Any], user: str, item_id: int) -> list[dict[str, Any]]:
    data = mcli(site, "grades", course_id(site), "--user", user, "--item", str(item_id))
    rows = data["grades"] if isinstance(data, dict) else data
    return list(rows)


def wait_for_grade(
    site: dict[str, Any], user: str, item_id: int, expected: float, timeout: float = 30
) -> dict[str, Any]:
    """Poll Moodle's gradebook until `user` has `expected` in the column; returns the last row."""
    deadline = time.monotonic() + timeout
    row: dict[str, Any] = {}
    while True:
        found = grades(site, user, item_id)
        row = found[0] if found else {}
        value = row.get("finalgrade")
        if value is not None and abs(float(value) - expected) < 0.01:
            return row
        if time.monotonic() > deadline:
            return row
        time.sleep(1.5)
