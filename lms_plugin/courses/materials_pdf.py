"""A material as a printable PDF (fpdf2, DejaVu fonts: every Hungarian letter, ő and ű too)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from fpdf import FPDF
from fpdf.fonts import FontFace

from lms_plugin.courses.materials_blocks import (
    Heading,
    ListBlock,
    Paragraph,
    Table,
    column_weights,
    plain,
    runs,
)

if TYPE_CHECKING:
    from lms_plugin.courses.materials import Material

FONTS = Path(__file__).resolve().parent.parent / "fonts"
FAMILY = "DejaVu"
LINE = 5.2  # mm per line of body text
HEADING_SIZES = {1: 17, 2: 13.5, 3: 11.5, 4: 10.5}


class _Pdf(FPDF):
    def __init__(self, footer_text: str) -> None:
        super().__init__(format="A4")
        self.footer_text = footer_text

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FAMILY, "", 8)
        self.cell(0, 5, f"{self.footer_text} · {self.page_no()}", align="C")


def _write(pdf: FPDF, text: str, size: float = 10.5) -> None:
    """Inline runs with their emphasis; DejaVu has no italic face, so italic is set in grey."""
    for run in runs(text):
        pdf.set_font(FAMILY, "B" if run.bold else "", size)
        pdf.set_text_color(85 if run.italic else 0)
        pdf.write(LINE, run.text)
    pdf.set_text_color(0)
    pdf.ln(LINE)


def _table(pdf: FPDF, block: Table) -> None:
    pdf.set_font(FAMILY, "", 9)
    with pdf.table(
        line_height=4.6,
        padding=1.2,
        headings_style=FontFace(emphasis="BOLD", fill_color=(235, 235, 235)),
        text_align="LEFT",
        col_widths=column_weights(block),
    ) as table:
        for row in (block.header, *block.rows):
            cells = table.row()
            for text in row:
                cells.cell(plain(text) or " ")
    pdf.ln(2)


def to_pdf(material: Material) -> bytes:
    """The PDF bytes of one material."""
    pdf = _Pdf(material.title)
    pdf.add_font(FAMILY, "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font(FAMILY, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_title(material.title)
    pdf.set_lang(material.lang)
    pdf.set_creator("lms-plugin")
    pdf.set_margins(18, 16, 18)
    pdf.set_auto_page_break(True, margin=16)
    pdf.add_page()
    pdf.set_font(FAMILY, "B", HEADING_SIZES[1])
    pdf.multi_cell(0, 8, material.title, new_x="LMARGIN", new_y="NEXT")
    if material.description:
        pdf.ln(1)
        _write(pdf, f"*{material.description}*", 9.5)
    for block in material.blocks:
        if isinstance(block, Heading):
            size = HEADING_SIZES[min(block.level, 4)]
            if pdf.get_y() > pdf.h - 40:
                pdf.add_page()  # never a heading alone at the foot of a page
            pdf.ln(2.5)
            pdf.set_font(FAMILY, "B", size)
            pdf.multi_cell(0, size * 0.5, plain(block.text), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
        elif isinstance(block, Paragraph):
            _write(pdf, block.text)
            pdf.ln(1.2)
        elif isinstance(block, ListBlock):
            for number, item in enumerate(block.items, start=1):
                label = f"{number}." if block.ordered else "•"
                pdf.set_font(FAMILY, "", 10.5)
                pdf.set_x(pdf.l_margin + 2)
                pdf.cell(6, LINE, label)
                pdf.set_left_margin(pdf.l_margin + 8)
                _write(pdf, item)
                pdf.set_left_margin(pdf.l_margin - 8)
                pdf.ln(0.6)
            pdf.ln(1)
        elif isinstance(block, Table):
            _table(pdf, block)
    return bytes(pdf.output())
