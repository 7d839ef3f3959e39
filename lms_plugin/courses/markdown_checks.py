"""Checks of lesson Markdown: links, images, callouts, headings, footnotes and raw HTML."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from lms_plugin.courses.source import FileCheck

CALLOUT_TYPES = ("note", "tip", "warning", "case", "reflection", "checklist")
IMAGE_TYPES = (".png", ".jpg", ".jpeg", ".gif", ".webp")
SAFE_SCHEMES = ("https://", "http://", "mailto:")

LINK_RE = re.compile(r"(!?)\[((?:[^\]\\]|\\.)*)\]\(\s*<?([^)\s>]*)>?(?:\s+[\"'][^\"']*[\"'])?\s*\)")
CALLOUT_RE = re.compile(r"^!!!\s*(\S*)\s*(.*)$")
FOOTNOTE_REF_RE = re.compile(r"\[\^([^\]\s]+)\](?!:)")
FOOTNOTE_DEF_RE = re.compile(r"^\[\^([^\]\s]+)\]:")
HTML_RE = re.compile(r"</?([a-zA-Z][a-zA-Z0-9]*)(?:\s[^<>]*)?/?>")
CODE_SPAN_RE = re.compile(r"`+[^`]*`+")


@dataclass(frozen=True)
class LessonLink:
    """A `lesson:<id>` link, checked once every lesson of the course is known."""

    check: FileCheck
    line: int
    lesson_id: str


def count_words(text: str) -> int:
    """Words a reader reads (Markdown punctuation does not count)."""
    return len(re.findall(r"\w+", text))


def check_markdown(
    check: FileCheck, text: str, first_line: int, module_dir: Path, links: list[LessonLink]
) -> None:
    """Report problems in a Markdown text whose first line is `first_line` of the file."""
    in_fence = False
    refs: list[tuple[int, str]] = []
    defs: set[str] = set()
    for number, raw in enumerate(text.splitlines(), start=first_line):
        if raw.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        line = CODE_SPAN_RE.sub("", raw)
        _check_structure(check, number, line)
        for match in LINK_RE.finditer(line):
            _check_link(check, number, match, module_dir, links)
        found = FOOTNOTE_DEF_RE.match(line)
        if found:
            defs.add(found.group(1))
        refs.extend((number, ref) for ref in FOOTNOTE_REF_RE.findall(line))
    for number, ref in refs:
        if ref not in defs:
            check.problem(number, f"footnote [^{ref}] has no text: add a line '[^{ref}]: ...'")


def _check_structure(check: FileCheck, number: int, text: str) -> None:
    if re.match(r"^#(?!#)\s", text):
        check.problem(number, "headings start at '##' (the page shows the lesson title as '#')")
    callout = CALLOUT_RE.match(text)
    if callout:
        kind, title = callout.group(1), callout.group(2).strip()
        if kind not in CALLOUT_TYPES:
            check.problem(
                number, f"unknown callout {kind!r}: use one of {', '.join(CALLOUT_TYPES)}"
            )
        elif not (len(title) >= 2 and title.startswith('"') and title.endswith('"')):
            check.problem(number, f'callout "{kind}" needs a title in double quotes')
    for tag in HTML_RE.findall(text):
        check.problem(number, f"raw HTML <{tag}> is removed when the page is shown: use Markdown")


def _check_link(
    check: FileCheck, number: int, match: re.Match[str], module_dir: Path, links: list[LessonLink]
) -> None:
    is_image, label, target = match.group(1) == "!", match.group(2), match.group(3)
    if is_image:
        if not label.strip():
            check.problem(number, f"image {target!r} needs a description: ![description]({target})")
        _check_image(check, number, target, module_dir)
        return
    if target.startswith("lesson:"):
        links.append(LessonLink(check, number, target.removeprefix("lesson:")))
    elif not target.startswith((*SAFE_SCHEMES, "#")):
        check.problem(
            number, f"link {target!r} must start with https://, mailto: or lesson:<lesson-id>"
        )


def _check_image(check: FileCheck, number: int, target: str, module_dir: Path) -> None:
    if not target.startswith("images/") or ".." in target.split("/"):
        check.problem(number, f"image {target!r} must be a file in the module's images/ folder")
        return
    if not target.lower().endswith(IMAGE_TYPES):
        check.problem(number, f"image {target!r} must be one of {', '.join(IMAGE_TYPES)}")
        return
    if not (module_dir / target).is_file():
        check.problem(number, f"image {target!r} does not exist in {module_dir.name}/images/")
