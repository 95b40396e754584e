"""Upload validation: content decides the type, size and pixel limits hold, nothing half-saved."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from content import services
from content.models import Material, MaterialKind
from content.uploads import validate_upload
from tests.reports.builders import EXE_BYTES, MP3_BYTES, PDF_BYTES, bomb_png, png_bytes, upload

ALL = ("document", "audio", "video", "image", "pdf", "text")


def _publish(user, locality, name, data):
    return services.publish_material(user, title="Tài liệu", kind=MaterialKind.HANDOUT,
                                     file=upload(name, data), locality=locality)


def _codes(error: ValidationError) -> set:
    return {item.code for item in error.error_list} if hasattr(error, "error_list") else {
        item.code for items in error.error_dict.values() for item in items}


@pytest.mark.django_db
def test_valid_pdf_is_stored_under_a_generated_name(trainer, district):
    material = _publish(trainer, district, "Bài giảng ../../etc.PDF", PDF_BYTES)
    stored = material.file.name
    assert stored.startswith("content/materials/") and stored.endswith(".pdf")
    assert "etc" not in stored and ".." not in stored
    assert material.original_name == "etc.PDF"  # the upload handler already drops any folder part
    assert material.size == len(PDF_BYTES) and material.mime_type == "application/pdf"
    assert material.uploaded_by == trainer


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "data", "code"), [
    ("setup.exe", EXE_BYTES, "type"),                # wrong type
    ("bai-hat.mp3", EXE_BYTES, "mismatch"),          # a program renamed to .mp3
    ("anh.pdf", png_bytes(), "mismatch"),            # an image pretending to be a PDF
    ("ban-tin.png", PDF_BYTES, "mismatch"),          # a PDF pretending to be an image
    ("bom.png", bomb_png(), "bomb"),                 # decompression bomb
    ("kich-ban.txt", b"abc\x00def", "mismatch"),      # binary content named .txt
    ("rong.pdf", b"", "empty"),
])
def test_bad_files_are_refused_and_nothing_saved(trainer, district, name, data, code):
    with pytest.raises(ValidationError) as raised:
        _publish(trainer, district, name, data)
    assert code in _codes(raised.value)
    assert not Material.objects.exists()


@pytest.mark.django_db
def test_too_big_file_is_refused(trainer, district, settings):
    settings.CONTENT_MAX_UPLOAD_BYTES = 100
    with pytest.raises(ValidationError) as raised:
        _publish(trainer, district, "bai-hat.mp3", MP3_BYTES + b"\x00" * 200)
    assert "size" in _codes(raised.value)
    assert "giới hạn" in str(raised.value)
    assert not Material.objects.exists()


@pytest.mark.django_db
def test_image_over_the_pixel_limit_is_refused(trainer, district, settings):
    settings.CONTENT_MAX_IMAGE_PIXELS = 50 * 50
    with pytest.raises(ValidationError) as raised:
        _publish(trainer, district, "anh.png", png_bytes(60, 60))
    assert "dimensions" in _codes(raised.value)
    assert _publish(trainer, district, "anh.png", png_bytes(40, 40)).mime_type == "image/png"


def test_bomb_below_twice_the_guard_is_refused_too():
    """Pillow only warns between MAX_IMAGE_PIXELS and twice that; the warning is treated as a refusal."""
    with pytest.raises(ValidationError) as raised:
        validate_upload(upload("anh.png", bomb_png(10_000, 10_000)), "anh.png", ALL)
    assert "bomb" in _codes(raised.value)


def test_plain_text_and_audio_pass():
    assert validate_upload(upload("kich-ban.txt", "Kịch bản phát thanh".encode()), "kich-ban.txt", ALL).mime \
        == "text/plain"
    assert validate_upload(upload("mau.mp3", MP3_BYTES), "mau.mp3", ALL).extension == "mp3"


@pytest.mark.django_db
def test_admin_form_shows_error_for_lying_file(client, trainer, district):
    client.force_login(trainer)
    response = client.post(reverse("materials:add"), {
        "title": "Mẫu bản tin", "kind": MaterialKind.BULLETIN_TEMPLATE, "locality": district.pk,
        "published": "on", "file": upload("mau.pdf", png_bytes())})
    assert response.status_code == 200
    assert "không khớp" in response.content.decode()
    assert not Material.objects.exists()
