"""Authoring lint: cues that let a learner guess a choice question without knowing the answer.

Warnings only (a trainer may have reasons); shown when a question or quiz is saved in the admin and
summarised on the quiz's admin page. The checks work on plain (text, is_correct) pairs so the
curriculum file can be linted without a database (tests/assessments/test_lint.py).
"""

import re
from collections import Counter
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

MIN_CHOICES = 4
# Share of a quiz's questions whose key sits at one position above which the position is a cue.
POSITION_SHARE = 0.6

ALL_OR_NONE = re.compile(
    r"\b(tất cả (các )?(ý|phương án|đáp án|câu)( ở)? trên|cả (a|b|c|d)(,| và) .*đều đúng|tất cả đều (đúng|sai)|"
    r"không (có )?(ý|phương án|đáp án) nào( ở trên)?( đúng)?|all of the above|none of the above)\b",
    re.IGNORECASE)
# Absolute words; "chỉ" only where it means "only" (not chỉ số, chỉ tiêu, chỉ đạo, địa chỉ…).
ABSOLUTE = re.compile(
    r"\b(luôn luôn|luôn|không bao giờ|tuyệt đối|hoàn toàn|bất kỳ|bất cứ|duy nhất|mọi|tất cả|"
    r"always|never|only|all|none)\b|(?<!địa )\bchỉ\b(?! (số|tiêu|đạo|huy|thị|dẫn|định|ra|rõ|điểm))",
    re.IGNORECASE)


@dataclass(frozen=True)
class Warning:
    code: str
    message: str


def _warn(code, message, **params) -> Warning:
    return Warning(code, str(message) % params if params else str(message))


def question_warnings(choices: list[tuple[str, bool]]) -> list[Warning]:
    """Cues in one choice question's options: (text, is_correct) in display order."""
    warnings = []
    if len(choices) < MIN_CHOICES:
        warnings.append(_warn("few_choices", _("Chỉ có %(count)s phương án; nên có ít nhất %(min)s phương án "
                                               "hợp lý để khó đoán."), count=len(choices), min=MIN_CHOICES))
    if any(ALL_OR_NONE.search(text) for text, _correct in choices):
        warnings.append(_warn("all_of_the_above", _("Có phương án kiểu “tất cả các ý trên”/“không ý nào”: "
                                                    "học viên đoán được mà không cần hiểu.")))
    correct = [text for text, is_correct in choices if is_correct]
    wrong = [text for text, is_correct in choices if not is_correct]
    if len(correct) == 1 and wrong and len(correct[0]) > max(len(text) for text in wrong):
        warnings.append(_warn("longest_correct", _("Phương án đúng dài nhất hẳn: hãy làm một phương án sai "
                                                   "dài tương đương, hoặc rút gọn phương án đúng.")))
    if correct and wrong and any(ABSOLUTE.search(t) for t in wrong) and not any(ABSOLUTE.search(t) for t in correct):
        warnings.append(_warn("absolute_distractors", _("Từ tuyệt đối (luôn, mọi, chỉ, không bao giờ…) chỉ có ở "
                                                        "phương án sai: học viên loại trừ được.")))
    return warnings


def quiz_warnings(questions: list[list[tuple[str, bool]]]) -> list[Warning]:
    """Cues across a quiz: the key at the same position in (nearly) every single-answer question."""
    positions = [next(i for i, (_t, ok) in enumerate(choices) if ok)
                 for choices in questions if sum(ok for _t, ok in choices) == 1]
    if len(positions) < 3:
        return []
    position, count = Counter(positions).most_common(1)[0]
    if count / len(positions) > POSITION_SHARE:
        return [_warn("same_position", _("Đáp án đúng nằm ở vị trí %(letter)s trong %(count)s/%(total)s câu: "
                                         "hãy đổi chỗ (nhất là khi không đảo phương án)."),
                      letter="ABCDEFGH"[position] if position < 8 else position + 1, count=count,
                      total=len(positions))]
    return []


# Adapters over the models (choice questions only: the other kinds have no options to give away).

def _choices_of(question) -> list[tuple[str, bool]]:
    return [(c.text, c.is_correct) for c in sorted(question.choices.all(), key=lambda c: (c.sort_order or 0, c.pk))]


def lint_question(question) -> list[Warning]:
    question = question.get_real_instance() if hasattr(question, "get_real_instance") else question
    if not getattr(question, "uses_choices", False) or getattr(question, "widget", "") == "ordering":
        return []
    return question_warnings(_choices_of(question))


@dataclass
class QuizLint:
    per_question: list[tuple[object, list[Warning]]]
    quiz: list[Warning]

    @property
    def count(self) -> int:
        return sum(len(w) for _q, w in self.per_question) + len(self.quiz)

    def by_code(self) -> Counter:
        return Counter(w.code for _q, ws in self.per_question for w in ws) + Counter(w.code for w in self.quiz)


def lint_quiz(quiz) -> QuizLint:
    questions = [link.question.get_real_instance() for link in
                 quiz.fixed_questions.select_related("question").prefetch_related("question__choices")
                 .order_by("sort_order", "pk")]
    per_question = [(q, lint_question(q)) for q in questions]
    single = [_choices_of(q) for q in questions if getattr(q, "widget", "") == "single"]
    return QuizLint(per_question=per_question, quiz=quiz_warnings(single))
