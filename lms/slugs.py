"""ASCII page slugs from Vietnamese titles, as people type them: "Đài truyền thanh" → "dai-truyen-thanh".

Wagtail's admin makes the slug in the browser (its w-slug controller) from tables that know no Vietnamese:
with WAGTAIL_ALLOW_UNICODE_SLUGS = False it would drop "ề" and "đ" ("loa-truyn-thanh"). Its SlugInput takes
regex `formatters` run before that step, so every slug input in the admin gets one formatter per base letter.
"""

import unicodedata

from django import forms
from django.db import models
from django.utils.text import slugify

# The Vietnamese letters with diacritics, grouped by the ASCII letter they become.
VIETNAMESE_LETTERS = {
    "a": "àáạảãâầấậẩẫăằắặẳẵ", "e": "èéẹẻẽêềếệểễ", "i": "ìíịỉĩ", "o": "òóọỏõôồốộổỗơờớợởỡ",
    "u": "ùúụủũưừứựửữ", "y": "ỳýỵỷỹ", "d": "đ",
}


def slug_formatters() -> list[tuple[str, str]]:
    formatters = []
    for ascii_letter, letters in VIETNAMESE_LETTERS.items():
        formatters.append((f"[{letters}]", ascii_letter))
        formatters.append((f"[{letters.upper()}]", ascii_letter.upper()))
    # Combining marks, for text typed or pasted in decomposed form (NFD).
    formatters.append(("[\u0300-\u036f]", ""))
    return formatters


def ascii_slug(text: str) -> str:
    """The server-side twin of the formatters: strip the marks, đ → d, then Django's slugify."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return slugify("".join(char for char in decomposed if not unicodedata.combining(char)))


class AsciiSlugField(forms.SlugField):
    """A slug typed (or pasted) with diacritics is transliterated, not refused: the page model allows Unicode
    slugs, and WAGTAIL_ALLOW_UNICODE_SLUGS only tells the browser what to make."""

    def __init__(self, **kwargs):
        super().__init__(**{**kwargs, "allow_unicode": False})

    def to_python(self, value):
        value = super().to_python(value)
        return ascii_slug(value) if value and not value.isascii() else value


def register_slug_widget():
    """Every SlugField in the admin (page promote tab, snippets, models) transliterates Vietnamese."""
    from wagtail.admin.forms.models import register_form_field_override
    from wagtail.admin.widgets import SlugInput

    class VietnameseSlugInput(SlugInput):
        def __init__(self, attrs=None, formatters=None, locale=None):
            super().__init__(attrs, formatters or slug_formatters(), locale)

    register_form_field_override(models.SlugField,
                                 override={"widget": VietnameseSlugInput, "form_class": AsciiSlugField})
