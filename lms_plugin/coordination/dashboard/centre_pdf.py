"""A training centre's coverage on one printable A4 page (fpdf2, DejaVu), in the viewer's language.

The figures are the dashboard's own (`services.coverage` at the centre level) and the schools are
the dashboard's "need attention first" list. Counts only: peer helpers are minors, so their
counts from 1 to 4 are printed as "< 5" (`service.suppression.show`, the service year report's
rule); counts of schools, mentors and certificates are printed as they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask_babel import format_date
from flask_babel import gettext as _
from fpdf import FPDF

from lms_plugin.coordination.dashboard.services import (
    EXPIRY_WINDOW_DAYS,
    Coverage,
    CoverageRow,
    needing_attention,
)
from lms_plugin.pdf_fonts import use_dejavu
from lms_plugin.suppression import SMALL_COUNT, show

BUDAPEST = ZoneInfo("Europe/Budapest")
ATTENTION_ROWS = 10
NAME_CHARS = 60  # a school's name is cut here so that every row stays one line


@dataclass(frozen=True)
class CentreReport:
    """What the page prints, already computed."""

    programme: str
    centre: str
    day: date
    totals: CoverageRow
    attention: list[CoverageRow]
    lang: str


def build(programme: str, centre: str, cov: Coverage, lang: str) -> CentreReport:
    """The report of one centre's coverage (as the dashboard computed it), dated today in
    Budapest."""
    return CentreReport(
        programme=programme,
        centre=centre,
        day=datetime.now(BUDAPEST).date(),
        totals=cov.totals,
        attention=needing_attention(cov.schools, ATTENTION_ROWS),
        lang=lang,
    )


def figures(report: CentreReport) -> list[tuple[str, str]]:
    """(label, printed value) of the centre's figures, in the dashboard's order."""
    t = report.totals
    return [
        (_("Schools"), str(t.schools)),
        (_("Schools without a mentor"), str(t.without_mentor)),
        (_("Mentors without helpers"), str(t.idle_mentors)),
        (_("Peer helpers without a mentor"), show(t.waiting)),
        (
            _("Certificates expiring within %(n)s days", n=EXPIRY_WINDOW_DAYS),
            str(t.expiring),
        ),
        (_("Peer helpers linked"), show(t.linked)),
    ]


def _short(name: str) -> str:
    return name if len(name) <= NAME_CHARS else name[: NAME_CHARS - 1] + "…"


def render_pdf(report: CentreReport) -> bytes:
    """One portrait A4 page."""
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    family = use_dejavu(pdf)
    title = _("Coverage report: %(centre)s", centre=report.centre)
    pdf.set_title(title)
    pdf.set_lang(report.lang)
    pdf.set_creator("lms_plugin")
    pdf.set_margins(18, 16, 18)
    pdf.set_auto_page_break(False)  # one page by construction: at most 10 one-line rows
    pdf.add_page()
    pdf.set_font(family, "B", 16)
    pdf.multi_cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, "", 10)
    pdf.multi_cell(0, 6, report.programme, new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(
        0,
        6,
        _("Date: %(date)s", date=format_date(report.day, "long")),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(4)
    pdf.set_font(family, "B", 12)
    pdf.cell(0, 7, _("Figures"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, "", 10)
    with pdf.table(
        col_widths=(130, 44), text_align=("LEFT", "RIGHT"), first_row_as_headings=False
    ) as grid:
        for label, value in figures(report):
            line = grid.row()
            line.cell(label)
            line.cell(value)
    pdf.ln(5)
    pdf.set_font(family, "B", 12)
    pdf.multi_cell(
        0,
        7,
        _("The %(n)s schools that need attention first", n=len(report.attention)),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_font(family, "", 8.5)
    if report.attention:
        header = (
            _("School"),
            _("Without mentor"),
            _("Helpers waiting"),
            _("Expiring"),
            _("Mentors without helpers"),
        )
        with pdf.table(
            col_widths=(74, 24, 24, 22, 30),
            text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT"),
            first_row_as_headings=True,
        ) as grid:
            line = grid.row()
            for cell in header:
                line.cell(cell)
            for r in report.attention:
                line = grid.row()
                line.cell(_short(f"{r.name}, {r.municipality}" if r.municipality else r.name))
                line.cell(str(r.without_mentor))
                line.cell(show(r.waiting))
                line.cell(str(r.expiring))
                line.cell(str(r.idle_mentors))
    else:
        pdf.multi_cell(
            0,
            6,
            _(
                "Nothing needs attention here: every school has a mentor and every helper is "
                "linked."
            ),
            new_x="LMARGIN",
            new_y="NEXT",
        )
    pdf.ln(4)
    pdf.set_font(family, "", 8)
    pdf.multi_cell(
        0,
        4.5,
        _("Counts of students below %(n)d are shown as “< %(n)d”.", n=SMALL_COUNT)
        + " "
        + _(
            "Ordered by schools without a mentor, then helpers waiting, then certificates "
            "expiring, then mentors without helpers."
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    return bytes(pdf.output())


def filename(report: CentreReport) -> str:
    """An ASCII download name: centre-<day>-<lang>.pdf."""
    return f"centre-{report.day.isoformat()}-{report.lang}.pdf"
