"""The certificate as a PDF (fpdf2, DejaVu fonts for ő/ű) with a QR code to its verification."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import segno
from fpdf import FPDF

FONTS = Path(__file__).resolve().parent.parent / "fonts"


@dataclass(frozen=True)
class CertificateText:
    """Everything printed on the certificate, already in the chosen language."""

    heading: str
    holder_name: str
    statement: str
    course_title: str
    course_version_label: str
    hours_label: str
    issued_label: str
    expires_label: str
    issuer: str
    code_label: str
    code: str
    verify_hint: str
    verify_url: str
    language: str


def qr_png(url: str) -> bytes:
    """A QR code PNG for the URL (error correction M, quiet zone kept)."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=8, border=4)
    return buffer.getvalue()


def render_pdf(text: CertificateText) -> bytes:
    """One A4 landscape page."""
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_title(f"{text.heading} – {text.holder_name}")
    pdf.set_author(text.issuer)
    pdf.set_lang(text.language)
    pdf.set_creator("lms_plugin")
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_auto_page_break(False)
    pdf.add_page()
    width = pdf.w
    pdf.set_draw_color(15, 71, 173)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, width - 20, pdf.h - 20)
    pdf.set_line_width(0.4)
    pdf.rect(13, 13, width - 26, pdf.h - 26)

    pdf.set_text_color(15, 71, 173)
    pdf.set_font("DejaVu", "B", 30)
    pdf.set_xy(20, 28)
    pdf.cell(width - 40, 14, text.heading, align="C")
    pdf.set_text_color(29, 33, 37)
    pdf.set_font("DejaVu", "B", 26)
    pdf.set_xy(20, 52)
    pdf.cell(width - 40, 14, text.holder_name, align="C")
    pdf.set_font("DejaVu", "", 13)
    pdf.set_xy(30, 72)
    pdf.multi_cell(width - 60, 7, text.statement, align="C")
    pdf.set_font("DejaVu", "B", 16)
    pdf.set_x(30)
    pdf.multi_cell(width - 60, 9, text.course_title, align="C")
    pdf.set_font("DejaVu", "", 12)
    for line in (
        text.course_version_label,
        text.hours_label,
        text.issued_label,
        text.expires_label,
    ):
        pdf.set_x(30)
        pdf.cell(width - 60, 7, line, align="C", new_x="LMARGIN", new_y="NEXT")

    pdf.set_font("DejaVu", "", 10)
    pdf.set_xy(22, pdf.h - 52)
    pdf.multi_cell(150, 5.5, text.issuer)
    pdf.set_xy(22, pdf.h - 36)
    pdf.set_font("DejaVu", "B", 11)
    pdf.cell(150, 6, f"{text.code_label}: {text.code}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 9)
    pdf.set_x(22)
    pdf.multi_cell(170, 4.5, f"{text.verify_hint} {text.verify_url}")

    pdf.image(io.BytesIO(qr_png(text.verify_url)), x=width - 62, y=pdf.h - 64, w=42, h=42)
    return bytes(pdf.output())
