"""The module cells of the cohort matrix as markup built once per distinct cell.

A page shows 100 trainees × 10 modules, but cells repeat (a status, a quiz score, minutes): each
distinct cell is built once per page and a row's cells are joined in Python, instead of a
template loop with conditionals, lookups and escaping for every one of the thousand cells (which
was most of the page's time).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache

from flask_babel import gettext as _
from markupsafe import Markup, escape

from lms_plugin.progress.cohort import CohortRow, ModuleCell
from lms_plugin.progress.labels import MODULE_STATUS, module_status_label


def row_cells(
    module_ids: Sequence[str], format_decimal: Callable[[float], str]
) -> Callable[[CohortRow], Markup]:
    """A function giving one trainee's `<td>` cells, in the page's language."""
    labels = {code: module_status_label(code) for code in MODULE_STATUS}
    minutes_word = escape(_("min"))
    little = escape(_("completed with little active time"))
    flag = (
        f'<br><span class="badge bg-danger" title="{little}" data-flag="little-time">!'
        f'<span class="visually-hidden"> {little}</span></span>'
    )

    @cache
    def cell(s: ModuleCell | None) -> str:
        status = s.status if s else "locked"
        parts = [
            f'<td><span class="badge badge-status-{escape(status)}">'
            f"{escape(labels.get(status) or module_status_label(status))}</span>"
        ]
        if s is not None:
            if s.quiz_best is not None:
                parts.append(f"<br><small>{escape(format_decimal(s.quiz_best))} %</small>")
            if s.active_seconds or s.is_little_time:
                minutes = str(s.active_seconds // 60)
                if s.min_active_seconds:
                    minutes += f"/{(s.min_active_seconds + 59) // 60}"
                parts.append(f"<br><small>{minutes} {minutes_word}</small>")
            if s.is_little_time:
                parts.append(flag)
        parts.append("</td>")
        return "".join(parts)

    def cells(row: CohortRow) -> Markup:
        # Safe: every value put into a cell above went through escape().
        joined = "".join(cell(row.modules.get(module_id)) for module_id in module_ids)
        return Markup(joined)  # noqa: S704

    return cells
