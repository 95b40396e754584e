"""The text formats a question may arrive in (Moodle's four: html, moodle, plain, markdown) and how each is
shown: HTML is sanitised with nh3 (an allow-list), Markdown is rendered then sanitised, plain and moodle
(Moodle's "auto-format": plain text whose line breaks count) are escaped. Nothing is trusted as HTML
unless it went through `nh3.clean`."""

import html
import re

import markdown
import nh3
from django.db import models
from django.utils.html import linebreaks
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _


class TextFormat(models.TextChoices):
    PLAIN = "plain", _("Văn bản thường")
    MOODLE = "moodle", _("Văn bản tự định dạng (Moodle)")
    HTML = "html", _("HTML")
    MARKDOWN = "markdown", _("Markdown")


MARKERS = {"[plain]": TextFormat.PLAIN, "[moodle]": TextFormat.MOODLE, "[html]": TextFormat.HTML,
           "[markdown]": TextFormat.MARKDOWN}
_MARKER = re.compile(r"^\s*\[(plain|moodle|html|markdown)\]", re.I)
# What a question may carry: text structure, lists, tables, images by URL. No scripts, styles or forms.
_TAGS = {"p", "br", "b", "strong", "i", "em", "u", "sub", "sup", "ul", "ol", "li", "blockquote", "pre", "code",
         "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td", "a", "img", "span", "hr"}
_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "width", "height"}, "td": {"colspan", "rowspan"},
               "th": {"colspan", "rowspan"}}


def split_marker(text: str, default: str = TextFormat.MOODLE) -> tuple[str, str]:
    """(format, text without its marker): `[markdown]**x**` → ("markdown", "**x**")."""
    match = _MARKER.match(text)
    if not match:
        return default, text
    return match.group(1).lower(), text[match.end():]


def _drop_moodle_files(tag: str, attribute: str, value: str) -> str | None:
    # Files embedded in a Moodle export are not imported: a reference to one would be a broken image.
    return None if "@@PLUGINFILE@@" in value else value


def sanitise(source: str) -> str:
    return nh3.clean(source, tags=_TAGS, attributes=_ATTRIBUTES, url_schemes={"http", "https", "mailto"},
                     link_rel="noopener noreferrer", attribute_filter=_drop_moodle_files)


def render(text: str, text_format: str) -> SafeString:
    """The HTML a learner sees."""
    if text_format == TextFormat.HTML:
        return mark_safe(sanitise(text))  # noqa: S308 - nh3 output only
    if text_format == TextFormat.MARKDOWN:
        return mark_safe(sanitise(markdown.markdown(text)))  # noqa: S308 - nh3 output only
    # Django's linebreaks returns a plain str: unmarked, the template escaped its <p> and showed the tags.
    return mark_safe(linebreaks(text, autoescape=True))  # noqa: S308 - every paragraph escaped


def to_plain(text: str, text_format: str) -> str:
    """A plain-text version, for fields that hold plain text only (choices, feedback): tags dropped."""
    if text_format == TextFormat.HTML:
        text = re.sub(r"<br\s*/?>|</p>", "\n", text, flags=re.I)
        return html.unescape(nh3.clean(text, tags=set())).strip()
    return text.strip()
