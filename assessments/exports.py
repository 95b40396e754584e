"""Quiz results as an XLSX workbook: a sheet with one row per learner (commune and district), and a sheet with
one row per answer of every submitted attempt, readable for every question type (assessments/describing.py)."""

from itertools import chain

from django.utils.translation import gettext as _

from lms.spreadsheets import Layout, bold, sheets_to_bytes

from . import describing, formats, selectors

QUESTION_TEXT_LIMIT = 300  # the question is there to be recognised; its full text is in the bank


def results_workbook(user, quiz) -> bytes:
    headers = [_("Họ và tên"), _("Số điện thoại"), _("Xã, phường, thị trấn"), _("Huyện, thị xã, thành phố"),
               _("Số lần làm"), _("Điểm (%)"), _("Kết quả")]
    lines = (_result_line(row) for row in selectors.quiz_results(user, quiz))
    answers = Layout(sheet_name=_("Câu trả lời"), widths={7: 50, 9: 50, 10: 14})
    return sheets_to_bytes([
        (Layout(sheet_name=_("Kết quả")), chain([headers], lines)),
        (answers, chain([bold(answer_headers())], answer_lines(user, quiz))),
    ])


def _result_line(row) -> list:
    commune = row["commune"]
    district = commune.parent if commune else None
    return [row["user"].get_full_name(), row["user"].phone or "", commune.name if commune else "",
            district.name if district else "", row["attempts"],
            float(row["percent"]) if row["percent"] is not None else None, _result_text(row)]


def _result_text(row) -> str:
    if row["passed"]:
        return _("Đạt")
    return _("Chờ chấm") if row["awaiting"] else _("Chưa đạt")


def answer_headers() -> list[str]:
    return [_("Họ và tên"), _("Số điện thoại"), _("Xã, phường, thị trấn"), _("Huyện, thị xã, thành phố"),
            _("Lần làm"), _("Nộp lúc"), _("Câu"), _("Câu hỏi"), _("Loại câu hỏi"), _("Câu trả lời"),
            _("Đúng / sai"), _("Điểm"), _("Điểm tối đa"), _("Nhận xét của giảng viên")]


def answer_lines(user, quiz):
    """One line per answer; text between questions (descriptions) has no answer and no line."""
    rows, questions, choices = selectors.submitted_answers(user, quiz)
    for aq in rows:
        question = questions.get(aq.question_id)  # None only for an attempt started between the two queries
        if question is not None and question.widget != "description":
            yield _answer_line(aq, question, choices.get(aq.question_id, []))


def _answer_line(aq, question, choices) -> list:
    attempt, answer = aq.attempt, getattr(aq, "answer", None)
    commune = attempt.commune
    district = commune.parent if commune else None
    response, file_name = (answer.response, answer.file_basename) if answer else ({}, "")
    score = answer.score if answer else None
    blank = describing.is_blank(response, file_name)
    text = formats.to_plain(question.text, question.text_format)
    return [attempt.user.get_full_name(), attempt.user.phone or "", commune.name if commune else "",
            district.name if district else "", attempt.number, attempt.submitted_at, aq.position,
            text[:QUESTION_TEXT_LIMIT], str(question.kind_label),
            describing.answer_text(question, choices, response, file_name),
            describing.verdict(question, score, aq.max_points, blank), score, aq.max_points,
            answer.feedback if answer else ""]
