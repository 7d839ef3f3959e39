"""Hostile Markdown: 100 KB of each of the worst inputs found renders in under 100 ms.

Issue 14 item 7: with Python-Markdown `"[" * 16000` took 54 s (it is quadratic in unclosed
brackets), a trainer's page with a 12 KB answer 30 s, a 99 KB preview never returned. The
renderer is now cmark-gfm (C, linear) + the callout pre-pass + nh3. Each input is rendered
through `to_html` (parse, rewrite, sanitise: what a page pays) and, as the floor nothing can
beat, `html.escape` of the same text.
Run: .venv/bin/python -m bench.markdown_render [--size 100000] [--limit-ms 100]
"""

from __future__ import annotations

import argparse
import html
import json
import sys
import time
from collections.abc import Callable

# name -> (unit, how the unit repeats); each is cut to exactly `size` characters.
WORST: dict[str, Callable[[int], str]] = {
    "open brackets [[[": lambda n: "[" * n,
    "close brackets ]]]": lambda n: "]" * n,
    "image openers ![![": lambda n: "![" * (n // 2),
    "bracket + emphasis [*[*": lambda n: "[*" * (n // 2),
    "link openers [](": lambda n: "[](" * (n // 3),
    "unclosed links [a](b ": lambda n: "[a](b " * (n // 6),
    "nested emphasis ***a***": lambda n: "*" * (n // 2) + "a" + "*" * (n // 2),
    "mixed emphasis *_*_": lambda n: "*_" * (n // 2),
    "emphasis runs *a **b": lambda n: "*a **b " * (n // 7),
    "backtick runs `a``": lambda n: "`a``" * (n // 4),
    "blockquote >>>": lambda n: ">" * n,
    "nested blockquotes": lambda n: "\n".join(">" * i + " a" for i in range(1, 450)),
    "nested lists": lambda n: "".join("  " * i + "- x\n" for i in range(n // 200)),
    "nested ordered lists": lambda n: "".join("   " * i + "1. x\n" for i in range(250)),
    "html openers <a <a": lambda n: "<a " * (n // 3),
    "angle brackets <<<": lambda n: "<" * n,
    "entities &#&#": lambda n: "&#" * (n // 2),
    "autolinks <http://a": lambda n: "<http://a" * (n // 9),
    "footnote refs [^a]": lambda n: "[^a]" * (n // 4),
    "footnote definitions": lambda n: "[^a]: x\n" * (n // 8),
    "reference definitions": lambda n: "[a]: b\n" * (n // 7),
    "wide table": lambda n: "|a" * (n // 4) + "\n" + "|-" * (n // 4) + "\n",
    "long table": lambda n: "|a|b|\n|-|-|\n" + "|x|y|\n" * (n // 6),
    "nested callouts": lambda n: "".join("    " * d + f'!!! note "L{d}"\n' for d in range(200)),
    "many callouts": lambda n: '!!! case "T"\n    body\n\n' * (n // 25),
    "raw HTML + script": lambda n: (
        "<div><script>alert(1)</script><img src=x onerror=a>" * (n // 50)
    ),
}


def worst_inputs(size: int) -> dict[str, str]:
    """Each worst input, cut or padded (by repeating) to `size` characters."""
    out: dict[str, str] = {}
    for name, make in WORST.items():
        text = make(size)
        while len(text) < size:
            text += "\n\n" + text
        out[name] = text[:size]
    return out


def _best_of(render: Callable[[str], object], text: str, runs: int) -> float:
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        render(text)
        best = min(best, time.perf_counter() - started)
    return best * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--limit-ms", type=float, default=100.0)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    from lms_plugin.courses.rendering import to_html

    def render(text: str) -> object:
        return to_html(text, lesson_url=lambda _: None, image_url=lambda _: None, image_prefix="")

    rows = []
    print(f"{'input':32} {'chars':>7} {'render ms':>10} {'escape ms':>10}")
    for name, text in worst_inputs(args.size).items():
        ms = _best_of(render, text, args.runs)
        floor = _best_of(html.escape, text, args.runs)
        rows.append({"input": name, "chars": len(text), "render_ms": ms, "escape_ms": floor})
        flag = "" if ms < args.limit_ms else "  <-- over the limit"
        print(f"{name:32} {len(text):7} {ms:10.1f} {floor:10.2f}{flag}")
    worst = max(rows, key=lambda r: r["render_ms"])
    print(f"worst: {worst['input']} {worst['render_ms']:.1f} ms (limit {args.limit_ms:g} ms)")
    print(json.dumps({"bench": "markdown_render", "size": args.size, "rows": rows}))
    return 0 if worst["render_ms"] < args.limit_ms else 1


if __name__ == "__main__":
    sys.exit(main())
