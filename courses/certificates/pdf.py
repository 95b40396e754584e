"""The certificate as a PDF: fpdf2 with an embedded DejaVu font (full Vietnamese coverage) and a QR code.

The font ships in courses/fonts/, so rendering never depends on what the server has installed.
"""

from io import BytesIO
from pathlib import Path

import segno
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from fpdf import FPDF

FONTS = Path(__file__).resolve().parent.parent / "fonts"
FAMILY = "DejaVuSerif"
INK = (20, 40, 90)
RED = (170, 20, 20)


def qr_png(url: str) -> bytes:
    buffer = BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=8, border=4)
    return buffer.getvalue()


def render(certificate, verify_url: str) -> bytes:
    """The PDF bytes for `certificate` (a Certificate; only its copied-in facts are used)."""
    with override("vi"):
        pdf = _page()
        _heading(pdf, certificate)
        _body(pdf, certificate)
        _signature(pdf, certificate)
        _verification(pdf, certificate, verify_url)
        return bytes(pdf.output())


def _page() -> FPDF:
    pdf = FPDF(orientation="landscape", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_font(FAMILY, "", str(FONTS / "DejaVuSerif.ttf"))
    pdf.add_font(FAMILY, "B", str(FONTS / "DejaVuSerif-Bold.ttf"))
    pdf.set_title(_("Giấy chứng nhận"))
    pdf.add_page()
    pdf.set_draw_color(*INK)
    pdf.set_line_width(1.2)
    pdf.rect(8, 8, 281, 194)
    pdf.set_line_width(0.3)
    pdf.rect(11, 11, 275, 188)
    return pdf


def _heading(pdf: FPDF, certificate) -> None:
    pdf.set_text_color(*INK)
    pdf.set_font(FAMILY, "B", 11)
    pdf.set_xy(16, 18)
    pdf.multi_cell(120, 6, certificate.organiser_name.upper(), align="C")
    pdf.set_xy(150, 18)
    pdf.cell(130, 6, _("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), align="C")
    pdf.set_xy(150, 24)
    pdf.cell(130, 6, _("Độc lập - Tự do - Hạnh phúc"), align="C")
    pdf.set_text_color(*RED)
    pdf.set_font(FAMILY, "B", 30)
    pdf.set_xy(16, 48)
    pdf.cell(265, 14, _("GIẤY CHỨNG NHẬN"), align="C")


def _body(pdf: FPDF, certificate) -> None:
    pdf.set_text_color(0, 0, 0)
    pdf.set_font(FAMILY, "", 14)
    pdf.set_xy(16, 70)
    pdf.cell(265, 8, _("Chứng nhận ông/bà"), align="C")
    pdf.set_font(FAMILY, "B", 22)
    pdf.set_text_color(*INK)
    pdf.set_xy(16, 80)
    pdf.cell(265, 12, certificate.learner_name, align="C")
    pdf.set_text_color(0, 0, 0)
    pdf.set_font(FAMILY, "", 13)
    place = ", ".join(part for part in (certificate.commune_name, certificate.district_name) if part)
    lines = [
        _("Đơn vị: %(place)s") % {"place": place} if place else "",
        _("Đã hoàn thành chương trình bồi dưỡng:"),
    ]
    pdf.set_xy(16, 96)
    pdf.multi_cell(265, 8, "\n".join(line for line in lines if line), align="C")
    pdf.set_font(FAMILY, "B", 15)
    pdf.set_x(30)
    pdf.multi_cell(237, 8, certificate.program_title, align="C")
    pdf.set_font(FAMILY, "", 13)
    pdf.set_x(16)
    # "giờ" as on the program page and everywhere else on the site (one wording, issue 15).
    pdf.cell(265, 8, _("Thời lượng: %(hours)s giờ") % {"hours": certificate.hours}, align="C")


def _signature(pdf: FPDF, certificate) -> None:
    """Date, the signer's title (organiser settings, copied onto the certificate; the agency's head when
    none is set), room for the signature and seal, and the signer's name."""
    day = timezone.localtime(certificate.completed_at)
    pdf.set_text_color(0, 0, 0)
    pdf.set_font(FAMILY, "", 12)
    pdf.set_xy(170, 142)
    pdf.cell(110, 6, _("Ngày %(day)s tháng %(month)s năm %(year)s") % {
        "day": f"{day.day:02d}", "month": f"{day.month:02d}", "year": day.year}, align="C")
    pdf.set_font(FAMILY, "B", 12)
    pdf.set_xy(170, 149)
    pdf.multi_cell(110, 6, (certificate.signer_title or _("Thủ trưởng cơ quan")).upper(), align="C")
    if certificate.signer_name:
        pdf.set_font(FAMILY, "B", 12)
        pdf.set_xy(170, 185)
        pdf.cell(110, 6, certificate.signer_name, align="C")


def _verification(pdf: FPDF, certificate, verify_url: str) -> None:
    pdf.image(BytesIO(qr_png(verify_url)), x=20, y=140, w=42, h=42)
    pdf.set_font(FAMILY, "", 9)
    pdf.set_text_color(60, 60, 60)
    pdf.set_xy(66, 150)
    pdf.cell(95, 5, _("Mã xác thực: %(code)s") % {"code": certificate.code})
    pdf.set_xy(66, 156)
    # Left-aligned: fpdf2 justifies multi_cell by default, which spread the long address with wide gaps.
    pdf.multi_cell(95, 5, _("Kiểm tra tại: %(url)s") % {"url": verify_url}, align="L")
