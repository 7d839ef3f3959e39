"""The DejaVu fonts every PDF of the tool is set in (fpdf2): every Hungarian letter, ő and ű too."""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF

FONTS = Path(__file__).resolve().parent / "fonts"
FAMILY = "DejaVu"


def use_dejavu(pdf: FPDF) -> str:
    """Register DejaVu Sans (regular and bold) on `pdf`; returns the family name to set."""
    pdf.add_font(FAMILY, "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font(FAMILY, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    return FAMILY
