"""A material as an editable Word document (python-docx): headings, lists, tables, blanks."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from docx import Document
from docx.shared import Cm, Pt

from lms_plugin.courses.materials_blocks import Heading, ListBlock, Paragraph, Table, runs

if TYPE_CHECKING:
    from lms_plugin.courses.materials import Material


def _add_runs(paragraph: object, text: str, bold: bool = False) -> None:
    for run in runs(text):
        added = paragraph.add_run(run.text)  # type: ignore[attr-defined]
        added.bold = run.bold or bold
        added.italic = run.italic


def to_docx(material: Material) -> bytes:
    """The DOCX bytes of one material."""
    document = Document()
    document.core_properties.title = material.title
    document.core_properties.subject = material.description
    document.core_properties.language = material.lang
    style = document.styles["Normal"]
    style.font.name = "DejaVu Sans"
    style.font.size = Pt(10.5)
    document.add_heading(material.title, level=0)
    if material.description:
        _add_runs(document.add_paragraph(), f"*{material.description}*")
    for block in material.blocks:
        if isinstance(block, Heading):
            _add_runs(document.add_heading("", level=min(block.level - 1, 3)), block.text)
        elif isinstance(block, Paragraph):
            _add_runs(document.add_paragraph(), block.text)
        elif isinstance(block, ListBlock):
            # Numbers are written out: Word's "List Number" would run on across separate lists.
            for number, item in enumerate(block.items, start=1):
                if block.ordered:
                    paragraph = document.add_paragraph()
                    paragraph.paragraph_format.left_indent = Cm(0.6)
                    paragraph.paragraph_format.first_line_indent = Cm(-0.6)
                    _add_runs(paragraph, f"{number}.\t{item}")
                else:
                    _add_runs(document.add_paragraph(style="List Bullet"), item)
        elif isinstance(block, Table):
            table = document.add_table(rows=1 + len(block.rows), cols=len(block.header))
            table.style = "Table Grid"
            for col, text in enumerate(block.header):
                _add_runs(table.cell(0, col).paragraphs[0], text, bold=True)
            for row_no, row in enumerate(block.rows, start=1):
                for col, text in enumerate(row):
                    _add_runs(table.cell(row_no, col).paragraphs[0], text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
