"""Server-rendered SVG bar charts (attributes only: the CSP forbids inline styles)."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

COLOURS = ("#0f47ad", "#9bb8ea", "#c0392b")


@dataclass(frozen=True)
class Series:
    label: str
    values: tuple[int, ...]


def bar_chart(title: str, labels: list[str], series: list[Series], width: int = 720) -> Markup:
    """Horizontal grouped bars, one group per label, with a legend and values at the bar ends."""
    label_w, bar_h, gap, top = 300, 12, 8, 34
    plot_w = width - label_w - 60
    peak = max([v for s in series for v in s.values] + [1])
    group_h = bar_h * len(series) + gap
    height = top + group_h * len(labels) + 10
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="100%" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    x = label_w
    for i, s in enumerate(series):
        colour = COLOURS[i % len(COLOURS)]
        parts.append(f'<rect x="{x}" y="6" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{x + 16}" y="16" font-size="12">{escape(s.label)}</text>')
        x += 22 + 8 * len(s.label)
    for row, label in enumerate(labels):
        y0 = top + row * group_h
        short = label if len(label) <= 40 else label[:39] + "…"
        parts.append(
            f'<text x="{label_w - 6}" y="{y0 + bar_h * len(series) / 2 + 4:.0f}" font-size="12" '
            f'text-anchor="end"><title>{escape(label)}</title>{escape(short)}</text>'
        )
        for i, s in enumerate(series):
            value = s.values[row]
            w = round(plot_w * value / peak)
            y = y0 + i * bar_h
            parts.append(
                f'<rect x="{label_w}" y="{y}" width="{w}" height="{bar_h - 2}" '
                f'fill="{COLOURS[i % len(COLOURS)]}">'
                f"<title>{escape(s.label)}: {value}</title></rect>"
            )
            parts.append(
                f'<text x="{label_w + w + 4}" y="{y + bar_h - 3}" font-size="10">{value}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every interpolated text is escaped above
