"""The PDF carries the learner's name with its diacritics and a QR code that decodes to the verify URL."""

from io import BytesIO

import pytest
import segno
from PIL import Image

from courses.certificates import pdf, services
from courses.models import Certificate

from .builders import complete_program

pypdf = pytest.importorskip("pypdf")


@pytest.fixture
def certificate(learner, home_page, django_capture_on_commit_callbacks):
    learner.full_name = "Nguyễn Thị Hường"
    learner.save()
    _program, certificate = complete_program(learner, home_page, django_capture_on_commit_callbacks)
    return certificate


def _reader(certificate: Certificate):
    with certificate.pdf.open("rb") as handle:
        return pypdf.PdfReader(BytesIO(handle.read()))


def _decode(image: Image.Image) -> str:
    """zxing-cpp when installed; otherwise compare with segno's matrix of the expected text (see below)."""
    zxingcpp = pytest.importorskip("zxingcpp")
    results = zxingcpp.read_barcodes(image)
    assert len(results) == 1
    return results[0].text


@pytest.mark.django_db
def test_pdf_has_name_with_diacritics_and_facts(certificate):
    text = _reader(certificate).pages[0].extract_text()
    for expected in ("Nguyễn Thị Hường", "GIẤY CHỨNG NHẬN", certificate.program_title, certificate.code,
                     certificate.commune_name, "Độc lập - Tự do - Hạnh phúc"):
        assert expected in text


@pytest.mark.django_db
def test_pdf_embeds_the_font(certificate):
    fonts = {str(font["/BaseFont"]) for font in _reader(certificate).pages[0]["/Resources"]["/Font"].values()}
    assert any("DejaVuSerif" in name for name in fonts)


@pytest.mark.django_db
def test_qr_decodes_to_the_verify_url(certificate):
    images = _reader(certificate).pages[0].images
    assert len(images) == 1
    url = services.verify_url(certificate.code)
    assert url.endswith(f"/verify/{certificate.code}/")
    assert _decode(images[0].image) == url


def test_qr_matrix_is_the_url_matrix():
    """Without a decoder the QR is still checked: the drawn modules equal segno's encoding of the URL."""
    url = "https://lms.example.gov.vn/verify/ABCD-EFGH-JKLM/"
    image = Image.open(BytesIO(pdf.qr_png(url))).convert("1")
    qr = segno.make(url, error="m")
    scale, border = 8, 4
    drawn = [[image.getpixel(((x + border) * scale + scale // 2, (y + border) * scale + scale // 2)) == 0
              for x in range(qr.symbol_size(scale=1, border=0)[0])]
             for y in range(qr.symbol_size(scale=1, border=0)[1])]
    assert drawn == [[bool(cell) for cell in row] for row in qr.matrix]


@pytest.mark.django_db
def test_pdf_says_hours_as_the_site_does_and_signs_with_the_organiser_settings(
        learner, home_page, django_capture_on_commit_callbacks):
    """Issue 15, item 9: "giờ" on paper as on the site; the signer's title and name from the organiser
    settings; "Kiểm tra tại:" left-aligned (fpdf2 writes a justified line as a TJ array with word gaps)."""
    from courses.certificates.selectors import organiser_settings

    organiser = organiser_settings()
    organiser.signer_title, organiser.signer_name = "Giám đốc", "Trần Văn Ký"
    organiser.save()
    _program, certificate = complete_program(learner, home_page, django_capture_on_commit_callbacks)
    page = _reader(certificate).pages[0]
    text = page.extract_text()
    assert f"{certificate.hours} giờ" in text and "tiết" not in text
    assert "GIÁM ĐỐC" in text and "Trần Văn Ký" in text
    assert "Kiểm tra tại:" in text
    assert b"TJ" not in page.get_contents().get_data()  # fpdf2 justifies with TJ word gaps


@pytest.mark.django_db
def test_pdf_without_a_signer_names_the_head_of_the_agency(certificate):
    assert "THỦ TRƯỞNG CƠ QUAN" in _reader(certificate).pages[0].extract_text()
