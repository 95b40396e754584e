"""Issue 15, item 8: a GIFT, XLSX or Moodle XML import may target a quiz the trainer may change. The file's
questions are appended to it in file order after those it holds, in the import's all-or-nothing transaction;
a question the bank already has is appended as that question, one the quiz already holds is not appended
again, so a double submit changes nothing. Another unit's quiz cannot be targeted by forging its id."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments import importing
from assessments.models import Question, QuizQuestion
from assessments.selectors import quizzes_for_author
from tests.conftest import make_staff
from tests.courses.class_builders import make_class

from .builders import make_quiz, make_single, make_topic, question_sheet

URL = reverse("assessments_admin:import")
GIFT = """$CATEGORY: Nhập vào bài

::Một::Câu một? {=đúng ~sai}

::Hai::Câu hai? {=đúng ~sai}

::Một lần nữa::Câu một? {=đúng ~sai}

::Ba::Câu ba? {=đúng ~sai}
"""


def _upload(name, data):
    return SimpleUploadedFile(name, data)


def _texts(quiz) -> list[str]:
    ids = QuizQuestion.objects.filter(quiz=quiz).order_by("sort_order").values_list("question_id", flat=True)
    texts = dict(Question.objects.non_polymorphic().filter(pk__in=ids).values_list("pk", "text"))
    return [texts[pk] for pk in ids]


@pytest.fixture
def class_quiz(home_page, trainer, district):
    """The post-test of a class organised in the trainer's district, holding one question already."""
    quiz = make_quiz([make_single(make_topic("Có sẵn"), text="Câu có sẵn?")], title="Kiểm tra cuối lớp")
    make_class(home_page, trainer, district, post_test=quiz)
    return quiz


@pytest.mark.django_db
def test_gift_questions_are_appended_in_file_order_once(client, trainer, class_quiz):
    client.force_login(trainer)
    page = client.post(URL, {"file": _upload("a.gift", GIFT.encode()), "quiz": class_quiz.pk})
    html = page.content.decode()
    assert "Đã nhập 3 câu hỏi." in html and "Đã thêm 3 câu vào bài kiểm tra “Kiểm tra cuối lớp”." in html
    assert _texts(class_quiz) == ["Câu có sẵn?", "Câu một?", "Câu hai?", "Câu ba?"]
    again = client.post(URL, {"file": _upload("a.gift", GIFT.encode()), "quiz": class_quiz.pk})
    assert "Đã thêm 0 câu vào bài kiểm tra" in again.content.decode()
    assert _texts(class_quiz) == ["Câu có sẵn?", "Câu một?", "Câu hai?", "Câu ba?"]
    assert Question.objects.count() == 4


@pytest.mark.django_db
def test_a_question_already_in_the_bank_is_appended_as_that_question(client, trainer, class_quiz):
    client.force_login(trainer)
    client.post(URL, {"file": _upload("a.gift", GIFT.encode())})  # into the bank only
    assert _texts(class_quiz) == ["Câu có sẵn?"]
    page = client.post(URL, {"file": _upload("a.gift", GIFT.encode()), "quiz": class_quiz.pk}).content.decode()
    assert "Đã nhập 0 câu hỏi." in page and "Đã thêm 3 câu" in page
    assert _texts(class_quiz) == ["Câu có sẵn?", "Câu một?", "Câu hai?", "Câu ba?"]
    assert Question.objects.count() == 4


@pytest.mark.django_db
def test_xlsx_questions_are_appended(client, trainer, class_quiz):
    data = question_sheet([["Bảng", "Một lựa chọn", "Câu bảng một?", "1", "", "A | B", "1", "", "", ""],
                  ["Bảng", "Đúng sai", "Câu bảng hai.", "1", "", "", "Sai", "", "", ""]])
    client.force_login(trainer)
    client.post(URL, {"file": _upload("cau-hoi.xlsx", data), "quiz": class_quiz.pk})
    assert _texts(class_quiz) == ["Câu có sẵn?", "Câu bảng một?", "Câu bảng hai."]


@pytest.mark.django_db
def test_moodle_xml_questions_are_appended(client, trainer, class_quiz):
    data = (Path(__file__).parent / "data" / "every_type.xml").read_bytes()
    client.force_login(trainer)
    client.post(URL, {"file": _upload("moodle.xml", data), "quiz": class_quiz.pk})
    imported = Question.objects.non_polymorphic().exclude(topic__name="Có sẵn").order_by("pk")  # file order
    assert imported.count() >= 3
    assert _texts(class_quiz) == ["Câu có sẵn?", *imported.values_list("text", flat=True)]


@pytest.mark.django_db
def test_a_rejected_file_appends_nothing(client, trainer, class_quiz):
    client.force_login(trainer)
    page = client.post(URL, {"file": _upload("a.gift", "Câu tốt? {=a ~b}\n\nCâu hỏng? {=a ~b".encode()),
                             "quiz": class_quiz.pk})
    assert page.status_code == 200
    assert _texts(class_quiz) == ["Câu có sẵn?"] and Question.objects.count() == 1


@pytest.mark.django_db
def test_another_units_trainer_forging_the_quiz_id_imports_nothing(client, other_district, class_quiz):
    outsider = make_staff("outsider-trainer", "trainer", other_district)
    assert not quizzes_for_author(outsider).filter(pk=class_quiz.pk).exists()
    client.force_login(outsider)
    page = client.post(URL, {"file": _upload("a.gift", GIFT.encode()), "quiz": class_quiz.pk})
    assert "Bài kiểm tra này không có hoặc bạn không được sửa." in page.content.decode()
    assert _texts(class_quiz) == ["Câu có sẵn?"] and Question.objects.count() == 1


@pytest.mark.django_db
def test_a_shared_curriculum_quiz_is_only_for_province_staff(home_page, trainer, province):
    from tests.courses.builders import make_course

    quiz = make_quiz(title="Kiểm tra chuyên đề chung")
    _program, module, *_rest = make_course(home_page)
    module.quiz = quiz
    module.save()
    assert not quizzes_for_author(trainer).filter(pk=quiz.pk).exists()
    assert quizzes_for_author(make_staff("province-trainer", "trainer", province)).filter(pk=quiz.pk).exists()
    unused = make_quiz(title="Bài mới chưa dùng")
    assert quizzes_for_author(trainer).filter(pk=unused.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_a_parallel_double_submit_into_a_quiz_writes_the_file_once():
    from django.db import connection

    from assessments import services
    from tests.conftest import run_together

    if connection.vendor != "postgresql":
        pytest.skip("row locks are only meaningful on PostgreSQL")
    quiz = make_quiz(title="Hai lần bấm")
    results, errors = run_together(
        lambda: services.import_bank(importing.parse_gift(GIFT.encode(), "Chủ đề"), quiz=quiz).added_to_quiz, 2)
    assert errors == [] and sorted(results) == [0, 3]
    assert _texts(quiz) == ["Câu một?", "Câu hai?", "Câu ba?"] and Question.objects.count() == 3
