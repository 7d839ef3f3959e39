"""The `next` page of an LTI service answer, from a standard or a Moodle-style Link header."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urljoin

_REL_NEXT = re.compile(r"""rel\s*=\s*"?([^";,]*)"?""", re.IGNORECASE)


def _split_links(header: str) -> list[str]:
    """Split a Link header into links; commas inside <...> or in URLs without <> are kept."""
    parts: list[str] = []
    depth = 0
    current = ""
    for index, char in enumerate(header):
        if char == "<":
            depth += 1
        elif char == ">":
            depth = max(0, depth - 1)
        if char == "," and depth == 0 and _starts_new_link(header[index + 1 :]):
            parts.append(current)
            current = ""
            continue
        current += char
    parts.append(current)
    return [p.strip() for p in parts if p.strip()]


def _starts_new_link(rest: str) -> bool:
    rest = rest.lstrip()
    return rest.startswith("<") or rest.lower().startswith(("http://", "https://"))


def next_link(headers: Mapping[str, str], base_url: str, body: Any = None) -> str | None:
    """The URL of the next page, or None.

    Accepts `Link: <url>; rel="next"`, Moodle's `Link: <url>;rel=next` and the same without angle
    brackets (`Link: url;rel=next`); falls back to a `next` member of a JSON object body.
    """
    header = headers.get("Link") or headers.get("link") or ""
    for link in _split_links(header):
        url_part, _, params = link.partition(";")
        if not any(
            "next" in match.group(1).lower().split() for match in _REL_NEXT.finditer(params)
        ):
            continue
        url = url_part.strip().strip("<>").strip()
        if url:
            return urljoin(base_url, url)
    if isinstance(body, dict) and isinstance(body.get("next"), str) and body["next"]:
        return urljoin(base_url, body["next"])
    return None
