"""The Markdown subset of downloadable materials, as blocks the DOCX, ODT and PDF writers share.

Materials are forms and handouts: headings (`##`, `###`), paragraphs, bullet and numbered lists,
pipe tables, `**bold**` and `*italic*`. Blanks to fill in ("________") are plain text and survive
every format. Anything else (HTML, images, links) is kept as its visible text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_HEADING = re.compile(r"^(#{2,4})\s+(.*?)\s*#*\s*$")
_BULLET = re.compile(r"^\s{0,3}[-*+]\s+(.*)$")
_NUMBERED = re.compile(r"^\s{0,3}(\d{1,3})[.)]\s+(.*)$")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_INLINE = re.compile(r"(\*\*[^*]+\*\*|\*[^*\s][^*]*\*)")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")


@dataclass(frozen=True)
class Run:
    """A piece of text with its emphasis."""

    text: str
    bold: bool = False
    italic: bool = False


@dataclass(frozen=True)
class Heading:
    level: int  # 2..4, as in the Markdown
    text: str


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class ListBlock:
    ordered: bool
    items: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


Block = Heading | Paragraph | ListBlock | Table


def runs(text: str) -> list[Run]:
    """Split a line into plain, bold and italic runs (links keep their text only)."""
    text = _LINK.sub(r"\1", text)
    result: list[Run] = []
    for part in _INLINE.split(text):
        if not part:
            continue
        if part.startswith("**") and part.endswith("**") and len(part) > 4:
            result.append(Run(part[2:-2], bold=True))
        elif part.startswith("*") and part.endswith("*") and len(part) > 2:
            result.append(Run(part[1:-1], italic=True))
        else:
            result.append(Run(part))
    return result


def plain(text: str) -> str:
    """The visible text of a line."""
    return "".join(run.text for run in runs(text))


def _cells(line: str) -> tuple[str, ...]:
    line = line.strip()
    if line.startswith("|"):
        line = line[1:]
    if line.endswith("|"):
        line = line[:-1]
    return tuple(cell.strip() for cell in line.split("|"))


def _list_item(line: str) -> tuple[bool, str] | None:
    """(ordered, text) when the line starts a list item."""
    if (bullet := _BULLET.match(line)) is not None:
        return False, bullet.group(1)
    if (numbered := _NUMBERED.match(line)) is not None:
        return True, numbered.group(2)
    return None


def parse_blocks(text: str) -> list[Block]:
    """The blocks of a material's Markdown body, in order."""
    lines = text.replace("\r\n", "\n").split("\n")
    blocks: list[Block] = []
    paragraph: list[str] = []
    items: list[str] = []
    ordered = False
    i = 0

    def flush() -> None:
        nonlocal items
        if paragraph:
            blocks.append(Paragraph(" ".join(p.strip() for p in paragraph)))
            paragraph.clear()
        if items:
            blocks.append(ListBlock(ordered, tuple(items)))
            items = []

    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        if not stripped:
            flush()
        elif (heading := _HEADING.match(stripped)) is not None:
            flush()
            blocks.append(Heading(len(heading.group(1)), heading.group(2)))
        elif (
            stripped.startswith("|")
            and i + 1 < len(lines)
            and _TABLE_RULE.match(lines[i + 1]) is not None
        ):
            flush()
            header = _cells(stripped)
            rows: list[tuple[str, ...]] = []
            i += 2
            while i < len(lines) and lines[i].strip().startswith("|"):
                cells = _cells(lines[i])
                padded = (*cells, *("",) * (len(header) - len(cells)))
                rows.append(padded[: len(header)])
                i += 1
            blocks.append(Table(header, tuple(rows)))
            continue
        elif (item := _list_item(line)) is not None:
            is_ordered, item_text = item
            if paragraph or (items and ordered != is_ordered):
                flush()
            ordered = is_ordered
            items.append(item_text)
        elif items and line.startswith(("  ", "\t")):
            items[-1] = f"{items[-1]} {stripped}"  # a wrapped list item
        else:
            if items:
                flush()
            paragraph.append(stripped)
        i += 1
    flush()
    return blocks


def column_weights(table: Table) -> tuple[float, ...]:
    """Relative column widths from the text they hold (long prose gets room, blanks less)."""
    weights = []
    for col in range(len(table.header)):
        texts = [table.header[col], *(row[col] for row in table.rows)]
        longest = max(len(plain(text)) for text in texts)
        weights.append(float(min(max(longest, 10), 60) + 4))  # + 4: room for padding
    return tuple(weights)
