"""Reflection prompts of a lesson: its `!!! reflection "Title"` callouts (docs/course-format.md).

The n-th reflection callout of a lesson is prompt `reflection-<n>` in every language, so an
answer stays with its prompt when the trainee switches language. Callouts inside code fences or
nested in other callouts are not prompts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_CALLOUT = re.compile(r'^!!! ?([\w-]+(?: +[\w-]+)*)(?: +"([^"]*)")? *$')
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
KIND = "reflection"


@dataclass(frozen=True)
class Prompt:
    """One reflection prompt of a lesson."""

    id: str  # reflection-<n>, counted from 1 in the lesson
    title: str
    text: str  # the callout's body (Markdown)


def _indented(line: str) -> str | None:
    if line.startswith("    "):
        return line[4:]
    if line.startswith("\t"):
        return line[1:]
    return None


def prompts(body: str) -> list[Prompt]:
    """The reflection prompts of a lesson body, in order."""
    if "!!!" not in body:
        return []
    lines = body.split("\n")
    found: list[Prompt] = []
    fence = ""
    i = 0
    while i < len(lines):
        line = lines[i]
        opening = _FENCE.match(line)
        if fence:
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence):
                fence = ""
            i += 1
            continue
        if opening:
            fence = opening.group(1)
            i += 1
            continue
        match = _CALLOUT.match(line)
        i += 1
        if match is None:
            continue
        inner_lines: list[str] = []
        while i < len(lines):
            inner = _indented(lines[i])
            if inner is None and not lines[i].strip():
                following = lines[i + 1] if i + 1 < len(lines) else ""
                inner = "" if _indented(following) is not None else None
            if inner is None:
                break
            inner_lines.append(inner)
            i += 1
        if KIND in match.group(1).lower().split():
            title = match.group(2) if match.group(2) is not None else ""
            found.append(
                Prompt(f"reflection-{len(found) + 1}", title, "\n".join(inner_lines).strip())
            )
    return found


def prompt(body: str, prompt_id: str) -> Prompt | None:
    """One prompt of a lesson body by id."""
    return next((p for p in prompts(body) if p.id == prompt_id), None)
