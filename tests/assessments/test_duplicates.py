"""An import adds no question identical (type, text, answers) to one already in its topic unless forced; titles
used twice in one file are reported; the XLSX template uploaded twice adds nothing the second time."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from assessments import importing, services
from assessments.models import DescriptionQuestion, Question, QuizDraw

from .builders import make_quiz, make_topic

GIFT = """::Q1::Ai quản lý đài xã? {=UBND xã ~Trường học}

::Q1::Ai quản lý bản tin? {=UBND xã ~Trường học}

::Q3::Ai quản lý đài xã? {=UBND xã ~Trường học}
"""


def test_same_question_in_the_same_topic_is_skipped_and_reported(db):
    report = services.import_bank(importing.parse_gift(GIFT.encode(), "Chủ đề"))
    assert len(report.created) == 2 and [spec.line for spec in report.skipped] == [5]  # Q3 repeats Q1
    assert report.same_titles == [("Q1", [1, 3])]
    again = services.import_bank(importing.parse_gift(GIFT.encode(), "Chủ đề"))
    assert again.created == [] and len(again.skipped) == 3
    elsewhere = services.import_bank(importing.parse_gift(GIFT.encode(), "Chủ đề khác"))
    assert len(elsewhere.created) == 2  # another topic is another bank
    forced = services.import_bank(importing.parse_gift(GIFT.encode(), "Chủ đề"), allow_duplicates=True)
    assert len(forced.created) == 3 and Question.objects.count() == 7


def test_a_different_weight_is_another_question_a_different_feedback_is_not(db):
    services.import_bank(importing.parse_gift(b"Chon? {=a ~b}", "T"))
    report = services.import_bank(importing.parse_gift(b"Chon? {=a ~%50%b}\n\nChon? {=a ~b#sai}", "T"))
    assert len(report.created) == 1 and [spec.line for spec in report.skipped] == [3]


def test_template_uploaded_twice_adds_nothing_and_says_so(client, trainer):
    client.force_login(trainer)
    url = reverse("assessments_admin:import")
    template = client.get(reverse("assessments_admin:import_template")).content
    rows = load_workbook(io.BytesIO(template)).active.max_row - 1
    first = client.post(url, {"file": SimpleUploadedFile("mau.xlsx", template)}).content.decode()
    assert f"Đã nhập {rows} câu hỏi." in first
    second = client.post(url, {"file": SimpleUploadedFile("mau.xlsx", template)}).content.decode()
    assert "Đã nhập 0 câu hỏi." in second and f"Bỏ qua {rows} câu giống hệt" in second
    assert Question.objects.count() == rows
    forced = client.post(url, {"file": SimpleUploadedFile("mau.xlsx", template), "allow_duplicates": "on"})
    assert f"Đã nhập {rows} câu hỏi." in forced.content.decode() and Question.objects.count() == 2 * rows


def test_admin_reports_same_titles_and_imports_moodle_xml(client, trainer):
    client.force_login(trainer)
    url = reverse("assessments_admin:import")
    page = client.post(url, {"file": SimpleUploadedFile("a.gift", GIFT.encode()), "topic": "Chủ đề"})
    assert "“Q1” ở các dòng 1, 3" in page.content.decode()
    xml = client.get(reverse("assessments_admin:export"), {"format": "xml"})
    assert xml.status_code == 200 and b"<quiz>" in xml.content
    gift = client.get(reverse("assessments_admin:export"), {"format": "gift"})
    assert "$CATEGORY: $course$/top/Chủ đề" in gift.content.decode()
    back = client.post(url, {"file": SimpleUploadedFile("b.xml", xml.content), "allow_duplicates": "on"})
    assert "Đã nhập 2 câu hỏi." in back.content.decode()


def test_learner_cannot_export(client, learner):
    client.force_login(learner)
    assert client.get(reverse("assessments_admin:export"), {"format": "gift"}).status_code in (302, 403)


def test_descriptions_are_never_drawn_at_random(db, learner):
    services.import_bank(importing.parse_gift("Phần hai.\n\nCâu? {=a ~b}".encode(), "Rút"))
    quiz = make_quiz(draws=[(make_topic("Rút"), 2)])
    attempt = services.start_attempt(learner, quiz)
    drawn = list(attempt.questions.values_list("question_id", flat=True))
    assert len(drawn) == 1 and DescriptionQuestion.objects.get().pk not in drawn
    assert QuizDraw.objects.get().count == 2


def test_export_reads_a_fixed_number_of_queries(db, django_assert_max_num_queries):
    from assessments import exporting

    text = "\n\n".join(f"::Q{i}::Câu {i}? {{=a ~b#sai}}\n\nSố {i}? {{#{i}:1}}" for i in range(30))
    services.import_bank(importing.parse_gift(text.encode(), "Chủ đề"))
    with django_assert_max_num_queries(6):  # types present, questions (one join), choices, tags, topics
        gift, left_out = exporting.export(Question.objects.all(), "gift")
    assert gift.count("::Q") == 30 and not left_out
