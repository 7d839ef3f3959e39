"""The user guides: one per role in Hungarian and English, every screenshot they show exists
(the browser journeys take them)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[2] / "docs"
ROLES = ("trainee", "trainer", "coordinator", "admin")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("lang", ["hu", "en"])
def test_guide_exists_and_its_screenshots_are_there(role: str, lang: str) -> None:
    guide = DOCS / f"guide-{role}.{lang}.md"
    text = guide.read_text(encoding="utf-8")
    images = re.findall(r"!\[[^\]]+\]\(([^)]+)\)", text)
    assert images, f"{guide.name} shows no screenshot"
    missing = [i for i in images if not (DOCS / i).is_file()]
    assert not missing, f"{guide.name}: run the browser journeys to take {missing}"
