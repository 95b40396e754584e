"""docs/assessments.md lists what each question format carries and what it refuses, with the message: the
messages quoted there are the ones the importers give (a changed message or a dropped line fails here)."""

from pathlib import Path

import pytest
from django.conf import settings

from assessments import importing
from lms.tabular import ImportRejected

from .test_gift import REFUSALS

DOCS = (Path(settings.BASE_DIR) / "docs" / "assessments.md").read_text(encoding="utf-8")


def _refusal(parse, data: bytes) -> str:
    with pytest.raises(ImportRejected) as rejected:
        parse(data, "Mặc định")
    return " ".join(error.message for error in rejected.value.errors)


@pytest.mark.parametrize(("gift", "fragment"), REFUSALS)
def test_every_gift_refusal_is_documented_with_its_message(db, gift, fragment):
    assert fragment in _refusal(importing.parse_gift, gift.encode())
    assert fragment in DOCS


@pytest.mark.parametrize(("xml", "fragment"), [
    (b'<quiz><question type="multianswer"><questiontext><text>x</text></questiontext></question></quiz>',
     "chưa được hỗ trợ"),
    (b"<quiz><question type='essay'>", "XML không hợp lệ"),
])
def test_every_moodle_xml_refusal_is_documented_with_its_message(db, xml, fragment):
    assert fragment in _refusal(importing.parse_moodle_xml, xml)
    assert fragment in DOCS


def test_the_documented_xlsx_kinds_are_the_template_kinds():
    kinds = {row[1] for row in importing.TEMPLATE_EXAMPLES}
    assert {"Ghép đôi", "Số"} <= kinds
    documented = DOCS[DOCS.index("**XLSX** columns"):DOCS.index("**GIFT**")]
    assert all(kind in documented for kind in kinds)
    assert all(column in documented for column in importing.TEMPLATE_COLUMNS)


def test_the_documented_gift_and_xml_types_are_supported():
    for construct in ("matching", "numerical", "short answer", "true/false", "essay", "description",
                      "multiple choice", "single choice", "missing word"):
        assert construct in DOCS, construct
    for xml_type in ("multichoice", "truefalse", "shortanswer", "numerical", "matching", "essay", "description",
                     "ordering"):
        assert f"`{xml_type}`" in DOCS, xml_type
