"""A material as an editable OpenDocument text (odfpy): headings, lists, tables, blanks."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from odf.opendocument import OpenDocumentText
from odf.style import (
    ListLevelProperties,
    ParagraphProperties,
    Style,
    TableCellProperties,
    TableColumnProperties,
    TextProperties,
)
from odf.table import Table as OdfTable
from odf.table import TableCell, TableColumn, TableRow
from odf.text import H, List, ListItem, ListLevelStyleBullet, ListLevelStyleNumber, ListStyle, P
from odf.text import Span as OdfSpan

from lms_plugin.courses.materials_blocks import (
    Heading,
    ListBlock,
    Paragraph,
    Table,
    column_weights,
    runs,
)

if TYPE_CHECKING:
    from lms_plugin.courses.materials import Material

FONT = "DejaVu Sans"


def _styles(doc: Any) -> dict[str, Any]:
    """Paragraph, text, list and table styles, created once per document."""
    from odf.style import FontFace

    doc.fontfacedecls.addElement(FontFace(name=FONT, fontfamily=FONT, fontfamilygeneric="swiss"))
    made: dict[str, Any] = {}
    body = Style(name="Body", family="paragraph")
    body.addElement(TextProperties(fontname=FONT, fontsize="10.5pt"))
    body.addElement(ParagraphProperties(margintop="0.1cm", marginbottom="0.15cm"))
    doc.styles.addElement(body)
    made["body"] = body
    for level, size in ((1, "18pt"), (2, "14pt"), (3, "12pt"), (4, "11pt")):
        style = Style(
            name=f"Heading_20_{level}",
            displayname=f"Heading {level}",
            family="paragraph",
            defaultoutlinelevel=str(level),
        )
        style.addElement(TextProperties(fontname=FONT, fontsize=size, fontweight="bold"))
        style.addElement(ParagraphProperties(margintop="0.35cm", marginbottom="0.15cm"))
        doc.styles.addElement(style)
        made[f"h{level}"] = style
    for name, props in (("bold", {"fontweight": "bold"}), ("italic", {"fontstyle": "italic"})):
        style = Style(name=name.title(), family="text")
        style.addElement(TextProperties(**props))
        doc.automaticstyles.addElement(style)
        made[name] = style
    both = Style(name="BoldItalic", family="text")
    both.addElement(TextProperties(fontweight="bold", fontstyle="italic"))
    doc.automaticstyles.addElement(both)
    made["bolditalic"] = both
    bullets = ListStyle(name="Bullets")
    bullets.addElement(ListLevelStyleBullet(level=1, bulletchar="•"))
    bullets.lastChild.addElement(ListLevelProperties(spacebefore="0.3cm", minlabelwidth="0.5cm"))
    numbers = ListStyle(name="Numbers")
    numbers.addElement(ListLevelStyleNumber(level=1, numformat="1", numsuffix="."))
    numbers.lastChild.addElement(ListLevelProperties(spacebefore="0.3cm", minlabelwidth="0.6cm"))
    doc.automaticstyles.addElement(bullets)
    doc.automaticstyles.addElement(numbers)
    made["bullets"], made["numbers"] = bullets, numbers
    cell = Style(name="Cell", family="table-cell")
    cell.addElement(TableCellProperties(border="0.5pt solid #000000", padding="0.1cm"))
    doc.automaticstyles.addElement(cell)
    made["cell"] = cell
    return made


def _fill(element: Any, text: str, styles: dict[str, Any], bold: bool = False) -> Any:
    for run in runs(text):
        is_bold = run.bold or bold
        if is_bold and run.italic:
            element.addElement(OdfSpan(stylename=styles["bolditalic"], text=run.text))
        elif is_bold:
            element.addElement(OdfSpan(stylename=styles["bold"], text=run.text))
        elif run.italic:
            element.addElement(OdfSpan(stylename=styles["italic"], text=run.text))
        else:
            element.addText(run.text)
    return element


def _table(block: Table, number: int, styles: dict[str, Any], doc: Any) -> Any:
    table = OdfTable(name=f"Table{number}")
    weights = column_weights(block)
    for col, weight in enumerate(weights):
        width = Style(name=f"Table{number}Col{col}", family="table-column")
        share = 17 * weight / sum(weights)
        width.addElement(TableColumnProperties(columnwidth=f"{share:.2f}cm"))
        doc.automaticstyles.addElement(width)
        table.addElement(TableColumn(stylename=width))
    for row_no, row in enumerate((block.header, *block.rows)):
        table_row = TableRow()
        for text in row:
            cell = TableCell(stylename=styles["cell"], valuetype="string")
            cell.addElement(_fill(P(stylename=styles["body"]), text, styles, bold=row_no == 0))
            table_row.addElement(cell)
        table.addElement(table_row)
    return table


def to_odt(material: Material) -> bytes:
    """The ODT bytes of one material."""
    doc = OpenDocumentText()
    styles = _styles(doc)
    from odf.dc import Language, Title

    doc.meta.addElement(Title(text=material.title))
    doc.meta.addElement(Language(text=material.lang))
    text = doc.text
    text.addElement(H(outlinelevel=1, stylename=styles["h1"], text=material.title))
    if material.description:
        text.addElement(_fill(P(stylename=styles["body"]), f"*{material.description}*", styles))
    tables = 0
    for block in material.blocks:
        if isinstance(block, Heading):
            level = min(block.level, 4)
            heading = H(outlinelevel=level, stylename=styles[f"h{level}"])
            text.addElement(_fill(heading, block.text, styles))
        elif isinstance(block, Paragraph):
            text.addElement(_fill(P(stylename=styles["body"]), block.text, styles))
        elif isinstance(block, ListBlock):
            odf_list = List(stylename=styles["numbers" if block.ordered else "bullets"])
            for item in block.items:
                list_item = ListItem()
                list_item.addElement(_fill(P(stylename=styles["body"]), item, styles))
                odf_list.addElement(list_item)
            text.addElement(odf_list)
        elif isinstance(block, Table):
            tables += 1
            text.addElement(_table(block, tables, styles, doc))
    out = io.BytesIO()
    doc.write(out)
    return out.getvalue()
