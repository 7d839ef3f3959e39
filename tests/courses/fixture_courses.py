"""Build fixture courses: the good tiny course, or it with one broken-fixture overlay applied."""

from __future__ import annotations

import shutil
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures"
GOOD = FIXTURES / "good"
BROKEN = FIXTURES / "broken"


def good_courses(target: Path) -> Path:
    """A copy of the good courses folder (holding `tiny/`) under `target`; returns the folder."""
    folder = target / "courses"
    shutil.copytree(GOOD, folder)
    return folder


def broken_courses(target: Path, kind: str) -> Path:
    """The good course with the overlay `broken/<kind>/` copied over it.

    The overlay holds the files that replace the good ones; its DELETE file lists paths to remove.
    """
    folder = good_courses(target)
    course = folder / "tiny"
    overlay = BROKEN / kind
    for path in overlay.rglob("*"):
        rel = path.relative_to(overlay)
        if path.is_dir() or rel.as_posix() == "DELETE":
            continue
        (course / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, course / rel)
    delete = overlay / "DELETE"
    if delete.exists():
        for line in delete.read_text().split():
            doomed = course / line
            if doomed.is_dir():
                shutil.rmtree(doomed)
            else:
                doomed.unlink()
    return folder


def broken_kinds() -> list[str]:
    """Every broken fixture."""
    return sorted(p.name for p in BROKEN.iterdir() if p.is_dir())
