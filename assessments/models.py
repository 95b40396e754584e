"""Question bank, quizzes and attempts.

The engine knows no page tree: the courses app points at a `Quiz`, and hears about
graded attempts through `assessments.signals.attempt_graded`.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from polymorphic.models import PolymorphicModel
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable

from lms.storage import PrivateName, private_storage

from . import formats, grading

# Frozen answers must survive a network that drops the last request: accept a save or a
# submit this long after the deadline.
DEADLINE_GRACE_SECONDS = 30
MAX_ANSWER_FILE_BYTES = 20 * 1024 * 1024


class Topic(models.Model):
    """A bank of questions on one subject; quizzes draw random questions per topic."""

    name = models.CharField(_("tên chủ đề"), max_length=200, unique=True)
    description = models.TextField(_("mô tả"), blank=True)

    panels = [FieldPanel("name"), FieldPanel("description")]

    class Meta:
        verbose_name = _("chủ đề câu hỏi")
        verbose_name_plural = _("chủ đề câu hỏi")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Difficulty(models.TextChoices):
    EASY = "easy", _("Dễ")
    MEDIUM = "medium", _("Trung bình")
    HARD = "hard", _("Khó")


class QuestionTag(TaggedItemBase):
    content_object = ParentalKey("assessments.Question", on_delete=models.CASCADE,
                                 related_name="tagged_items")


class Question(ClusterableModel, PolymorphicModel):
    """Common part of every question; each subclass knows how to read and grade a response."""

    topic = models.ForeignKey(Topic, verbose_name=_("chủ đề"), on_delete=models.PROTECT,
                              related_name="questions")
    title = models.CharField(_("tên câu hỏi"), max_length=255, blank=True,
                             help_text=_("Tên ngắn để tìm câu hỏi (trong tệp GIFT: ::tên::)"))
    text = models.TextField(_("nội dung câu hỏi"))
    text_format = models.CharField(_("định dạng nội dung"), max_length=10, choices=formats.TextFormat.choices,
                                   blank=True, default=formats.TextFormat.PLAIN)
    explanation = models.TextField(_("giải thích"), blank=True,
                                   help_text=_("Hiện cho học viên sau khi trả lời, theo chính sách xem lại"))
    points = models.DecimalField(_("điểm"), max_digits=6, decimal_places=2, default=1,
                                 validators=[MinValueValidator(0)])
    difficulty = models.CharField(_("độ khó"), max_length=10, choices=Difficulty.choices,
                                  default=Difficulty.MEDIUM)
    tags = ClusterTaggableManager(through=QuestionTag, blank=True, verbose_name=_("thẻ"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Set by subclasses: the input the quiz page shows, and whether a trainer marks it.
    widget = ""
    uses_choices = False
    needs_marking = False
    kind_label = ""

    common_panels = [
        FieldPanel("topic"), FieldPanel("title"), FieldPanel("text"), FieldPanel("text_format"),
        FieldRowPanel([FieldPanel("points"), FieldPanel("difficulty")]),
        FieldPanel("tags"), FieldPanel("explanation"),
    ]

    class Meta:
        verbose_name = _("câu hỏi")
        verbose_name_plural = _("câu hỏi")
        ordering = ["pk"]

    def __str__(self):
        return self.text[:80]

    def text_html(self):
        """The question text as learners see it (HTML sanitised, Markdown rendered, plain escaped)."""
        return formats.render(self.text, self.text_format)

    def feedback_for(self, response: dict, choices) -> list[str]:
        """Feedback the author wrote for what this response chose (Moodle's per-answer feedback)."""
        return []

    def read_response(self, values: list[str], upload, choice_ids: list[int], choices=()) -> dict:
        """Turn posted values into the stored response; raise grading.InvalidResponse if malformed.
        `choice_ids` are the rows drawn for the attempt, `choices` the question's rows (matching reads texts)."""
        raise NotImplementedError

    def score_fraction(self, response: dict, choices) -> "grading.Fraction | None":
        """Share of the points earned (0..1), or None when a trainer must mark it."""
        raise NotImplementedError


class Choice(Orderable):
    """An answer row, as Moodle's question_answers: an option of a choice question, an item of an ordering
    question (sort_order = correct order), a weighted answer of a short-answer or numerical question, or a
    pair (text → match_text) of a matching question."""

    question = ParentalKey(Question, on_delete=models.CASCADE, related_name="choices")
    text = models.CharField(_("nội dung"), max_length=500, blank=True)
    is_correct = models.BooleanField(_("đúng"), default=False)
    # Moodle's fraction as a percentage, -100..100; empty = 100 when correct, else 0.
    weight = models.DecimalField(_("trọng số (%)"), max_digits=10, decimal_places=5, null=True, blank=True,
                                 validators=[MinValueValidator(-100), MaxValueValidator(100)])
    feedback = models.TextField(_("phản hồi khi chọn"), blank=True)
    match_text = models.CharField(_("ghép với"), max_length=500, blank=True)
    tolerance = models.DecimalField(_("sai số cho phép (±)"), max_digits=20, decimal_places=10, null=True,
                                    blank=True, validators=[MinValueValidator(0)])

    panels = [FieldPanel("text"), FieldPanel("is_correct"), FieldPanel("weight"), FieldPanel("feedback")]

    class Meta(Orderable.Meta):
        verbose_name = _("phương án")
        verbose_name_plural = _("phương án")

    def __str__(self):
        return self.text

    @property
    def fraction(self) -> "grading.Fraction":
        return grading.weight_fraction(self.weight, self.is_correct)


def _chosen_feedback(response: dict, choices) -> list[str]:
    chosen = set(response.get("choices", []))
    return [c.feedback for c in choices if c.pk in chosen and c.feedback]


class SingleChoiceQuestion(Question):
    uses_choices = True
    widget = "single"
    kind_label = _("Một lựa chọn")
    panels = Question.common_panels + [InlinePanel("choices", label=_("Phương án"), min_num=2)]

    class Meta:
        verbose_name = _("câu hỏi một lựa chọn")
        verbose_name_plural = _("câu hỏi một lựa chọn")

    def read_response(self, values, upload, choice_ids, choices=()):
        return {"choices": grading.read_choice_ids(values, choice_ids, at_most=1)}

    def score_fraction(self, response, choices):
        if any(c.weight is not None for c in choices):
            return grading.score_weighted({c.pk: c.fraction for c in choices}, response.get("choices", [])[:1])
        correct = {c.pk for c in choices if c.is_correct}
        return grading.score_single(correct, response.get("choices", []))

    def feedback_for(self, response, choices):
        return _chosen_feedback(response, choices)


class MultipleChoiceRule(models.TextChoices):
    ALL_OR_NOTHING = "all", _("Đúng hết mới có điểm")
    PARTIAL = "partial", _("Điểm từng phần: mỗi phương án đúng được chọn cộng, mỗi phương án sai bị chọn trừ "
                           "(không dưới 0)")
    WEIGHTED = "weighted", _("Theo trọng số từng phương án, như Moodle: cộng trọng số các phương án được chọn "
                             "(từ 0 đến 100%)")


class MultipleChoiceQuestion(Question):
    uses_choices = True
    widget = "multiple"
    kind_label = _("Nhiều lựa chọn")
    scoring_rule = models.CharField(_("cách tính điểm"), max_length=10, choices=MultipleChoiceRule.choices,
                                    default=MultipleChoiceRule.PARTIAL)
    panels = Question.common_panels + [
        FieldPanel("scoring_rule"), InlinePanel("choices", label=_("Phương án"), min_num=2),
    ]

    class Meta:
        verbose_name = _("câu hỏi nhiều lựa chọn")
        verbose_name_plural = _("câu hỏi nhiều lựa chọn")

    def read_response(self, values, upload, choice_ids, choices=()):
        return {"choices": grading.read_choice_ids(values, choice_ids)}

    def score_fraction(self, response, choices):
        correct = {c.pk for c in choices if c.is_correct}
        wrong = {c.pk for c in choices if not c.is_correct}
        if self.scoring_rule == MultipleChoiceRule.WEIGHTED:
            return grading.score_weighted({c.pk: c.fraction for c in choices}, response.get("choices", []))
        partial = self.scoring_rule == MultipleChoiceRule.PARTIAL
        return grading.score_multiple(correct, wrong, response.get("choices", []), partial=partial)

    def feedback_for(self, response, choices):
        return _chosen_feedback(response, choices)


class TrueFalseQuestion(Question):
    widget = "true_false"
    kind_label = _("Đúng / Sai")
    correct_answer = models.BooleanField(_("khẳng định này đúng"), default=True)
    feedback_true = models.TextField(_("phản hồi khi học viên chọn Đúng"), blank=True)
    feedback_false = models.TextField(_("phản hồi khi học viên chọn Sai"), blank=True)
    panels = Question.common_panels + [FieldPanel("correct_answer"),
                                       FieldRowPanel([FieldPanel("feedback_true"), FieldPanel("feedback_false")])]

    class Meta:
        verbose_name = _("câu hỏi đúng/sai")
        verbose_name_plural = _("câu hỏi đúng/sai")

    def read_response(self, values, upload, choice_ids, choices=()):
        return {"value": grading.read_boolean(values)}

    def score_fraction(self, response, choices):
        return grading.score_true_false(self.correct_answer, response.get("value"))

    def feedback_for(self, response, choices):
        value = response.get("value")
        text = self.feedback_true if value is True else self.feedback_false if value is False else ""
        return [text] if text else []


class ShortAnswerQuestion(Question):
    widget = "text"
    kind_label = _("Trả lời ngắn")
    accepted_answers = models.TextField(
        _("các đáp án được chấp nhận"), blank=True,
        help_text=_("Mỗi dòng một đáp án đúng (100%); dấu * thay cho một chuỗi bất kỳ, \\* là dấu * thật"))
    ignore_case = models.BooleanField(_("không phân biệt chữ hoa, chữ thường"), default=True)
    ignore_diacritics = models.BooleanField(_("không phân biệt dấu tiếng Việt"), default=False)
    panels = Question.common_panels + [
        FieldPanel("accepted_answers"),
        FieldRowPanel([FieldPanel("ignore_case"), FieldPanel("ignore_diacritics")]),
        InlinePanel("choices", label=_("Đáp án có trọng số (xét theo thứ tự, đáp án khớp đầu tiên được tính)"),
                    panels=[FieldPanel("text"), FieldPanel("weight"), FieldPanel("feedback")]),
    ]

    class Meta:
        verbose_name = _("câu hỏi trả lời ngắn")
        verbose_name_plural = _("câu hỏi trả lời ngắn")

    def accepted_list(self) -> list[str]:
        return [line.strip() for line in self.accepted_answers.splitlines() if line.strip()]

    def read_response(self, values, upload, choice_ids, choices=()):
        return {"text": grading.read_text(values, max_length=500)}

    def weighted_answers(self, choices) -> list[tuple[str, "grading.Fraction", str]]:
        """(pattern, fraction, feedback) in Moodle's order: the accepted lines (100%), then the rows."""
        return ([(text, grading.ONE, "") for text in self.accepted_list()]
                + [(c.text, c.fraction, c.feedback) for c in sorted(choices, key=lambda c: (c.sort_order or 0, c.pk))])

    def _match(self, response, choices):
        return grading.match_short_answer(response.get("text", ""), self.weighted_answers(choices),
                                          ignore_case=self.ignore_case, ignore_diacritics=self.ignore_diacritics)

    def score_fraction(self, response, choices):
        match = self._match(response, choices)
        return max(grading.ZERO, match[1]) if match else grading.ZERO

    def feedback_for(self, response, choices):
        match = self._match(response, choices)
        return [match[2]] if match and match[2] else []


class OrderingQuestion(Question):
    uses_choices = True
    widget = "ordering"
    kind_label = _("Sắp xếp thứ tự")
    partial_credit = models.BooleanField(
        _("điểm từng phần"), default=False,
        help_text=_("Bật: điểm theo tỉ lệ mục đặt đúng vị trí. Tắt: phải đúng toàn bộ thứ tự"),
    )
    panels = Question.common_panels + [
        FieldPanel("partial_credit"),
        InlinePanel("choices", label=_("Các mục, theo thứ tự đúng"), min_num=2),
    ]

    class Meta:
        verbose_name = _("câu hỏi sắp xếp")
        verbose_name_plural = _("câu hỏi sắp xếp")

    def read_response(self, values, upload, choice_ids, choices=()):
        return {"order": grading.read_ranking(values, choice_ids)}

    def score_fraction(self, response, choices):
        correct = [c.pk for c in sorted(choices, key=lambda c: (c.sort_order or 0, c.pk))]
        return grading.score_ordering(correct, response.get("order", []), partial=self.partial_credit)


class EssayQuestion(Question):
    widget = "textarea"
    needs_marking = True
    kind_label = _("Tự luận")
    rubric = models.TextField(_("hướng dẫn chấm"), blank=True)
    panels = Question.common_panels + [FieldPanel("rubric")]

    class Meta:
        verbose_name = _("câu hỏi tự luận")
        verbose_name_plural = _("câu hỏi tự luận")

    def read_response(self, values, upload, choice_ids, choices=()):
        return {"text": grading.read_text(values, max_length=20000)}

    def score_fraction(self, response, choices):
        return None if response.get("text") else grading.ZERO


class FileAnswerQuestion(Question):
    """A product the learner made (a radio news item, a bulletin page), marked against a rubric."""

    widget = "file"
    needs_marking = True
    kind_label = _("Nộp tệp (âm thanh, ảnh, PDF)")
    rubric = models.TextField(_("tiêu chí chấm"), help_text=_("Mỗi dòng một tiêu chí và số điểm tối đa"))
    accept_audio = models.BooleanField(_("nhận tệp âm thanh"), default=True)
    accept_image = models.BooleanField(_("nhận tệp ảnh"), default=True)
    accept_pdf = models.BooleanField(_("nhận tệp PDF"), default=True)
    panels = Question.common_panels + [
        FieldPanel("rubric"),
        FieldRowPanel([FieldPanel("accept_audio"), FieldPanel("accept_image"), FieldPanel("accept_pdf")]),
    ]

    class Meta:
        verbose_name = _("câu hỏi nộp tệp")
        verbose_name_plural = _("câu hỏi nộp tệp")

    def accepted_kinds(self) -> set[str]:
        kinds = {"audio": self.accept_audio, "image": self.accept_image, "pdf": self.accept_pdf}
        return {kind for kind, on in kinds.items() if on}

    def read_response(self, values, upload, choice_ids, choices=()):
        return {"file": grading.check_upload(upload, self.accepted_kinds(), MAX_ANSWER_FILE_BYTES)}

    def score_fraction(self, response, choices):
        return None if response.get("file") else grading.ZERO


class MatchingQuestion(Question):
    """Pairs to match (Moodle "match"): each row's text is a stem, match_text its answer; a row with no text is
    a distractor answer. Score: share of stems matched right (Moodle's partial credit)."""

    uses_choices = True
    widget = "matching"
    kind_label = _("Ghép đôi")
    panels = Question.common_panels + [
        InlinePanel("choices", label=_("Các cặp (để trống vế trái: đáp án gây nhiễu)"), min_num=2,
                    panels=[FieldRowPanel([FieldPanel("text"), FieldPanel("match_text")])]),
    ]

    class Meta:
        verbose_name = _("câu hỏi ghép đôi")
        verbose_name_plural = _("câu hỏi ghép đôi")

    def read_response(self, values, upload, choice_ids, choices=()):
        drawn = [c for c in choices if c.pk in set(choice_ids)]
        return {"matches": grading.read_matches(values, [c.pk for c in drawn if c.text], grading.answer_rows(drawn))}

    def score_fraction(self, response, choices):
        return grading.score_matching(choices, response.get("matches", {}))


class NumericalQuestion(Question):
    """A number within a tolerance (Moodle "numerical", nominal tolerance); each row: value (or * for any),
    ± tolerance, weight and feedback; the first row that accepts the number counts."""

    widget = "number"
    kind_label = _("Số")
    panels = Question.common_panels + [
        InlinePanel("choices", label=_("Đáp án (giá trị hoặc *, sai số, trọng số)"), min_num=1,
                    panels=[FieldRowPanel([FieldPanel("text"), FieldPanel("tolerance"), FieldPanel("weight")]),
                            FieldPanel("feedback")]),
    ]

    class Meta:
        verbose_name = _("câu hỏi trả lời bằng số")
        verbose_name_plural = _("câu hỏi trả lời bằng số")

    def read_response(self, values, upload, choice_ids, choices=()):
        return {"text": grading.read_number(values)}

    def _match(self, response, choices):
        return grading.match_number(response.get("text", ""), sorted(choices, key=lambda c: (c.sort_order or 0, c.pk)))

    def score_fraction(self, response, choices):
        match = self._match(response, choices)
        return max(grading.ZERO, match.fraction) if match else grading.ZERO

    def feedback_for(self, response, choices):
        match = self._match(response, choices)
        return [match.feedback] if match and match.feedback else []


class DescriptionQuestion(Question):
    """Text between questions (Moodle "description"): no answer, no points, never drawn at random."""

    widget = "description"
    kind_label = _("Đoạn mô tả (không phải câu hỏi)")
    panels = [FieldPanel("topic"), FieldPanel("title"), FieldPanel("text"), FieldPanel("text_format"),
              FieldPanel("tags")]

    class Meta:
        verbose_name = _("đoạn mô tả")
        verbose_name_plural = _("đoạn mô tả")

    def save(self, *args, **kwargs):
        self.points = 0  # a description never counts
        super().save(*args, **kwargs)

    def read_response(self, values, upload, choice_ids, choices=()):
        return {}

    def score_fraction(self, response, choices):
        return grading.ONE


QUESTION_TYPES = [SingleChoiceQuestion, MultipleChoiceQuestion, TrueFalseQuestion, ShortAnswerQuestion,
                  OrderingQuestion, EssayQuestion, FileAnswerQuestion, MatchingQuestion, NumericalQuestion,
                  DescriptionQuestion]


class GradingMethod(models.TextChoices):
    HIGHEST = "highest", _("Lần cao nhất")
    LAST = "last", _("Lần cuối cùng")


class ReviewPolicy(models.TextChoices):
    NEVER = "never", _("Chỉ xem điểm, không xem đáp án")
    AFTER_SUBMIT = "after_submit", _("Xem đáp án và giải thích ngay sau khi nộp")
    AFTER_PASS = "after_pass", _("Xem đáp án khi đã đạt")
    AFTER_CLOSE = "after_close", _("Xem đáp án sau khi bài kiểm tra đóng")


class Quiz(ClusterableModel):
    title = models.CharField(_("tên bài kiểm tra"), max_length=255)
    description = models.TextField(_("hướng dẫn"), blank=True)
    shuffle_questions = models.BooleanField(_("đảo thứ tự câu hỏi"), default=True)
    shuffle_choices = models.BooleanField(_("đảo thứ tự phương án"), default=True)
    time_limit_minutes = models.PositiveIntegerField(_("thời gian làm bài (phút)"), null=True, blank=True,
                                                     help_text=_("Để trống: không giới hạn"))
    attempts_allowed = models.PositiveIntegerField(_("số lần làm tối đa"), null=True, blank=True,
                                                   validators=[MinValueValidator(1)],
                                                   help_text=_("Để trống: không giới hạn"))
    pass_mark = models.DecimalField(_("điểm đạt (%)"), max_digits=5, decimal_places=2, default=50,
                                    validators=[MinValueValidator(0), MaxValueValidator(100)])
    grading_method = models.CharField(_("cách tính điểm"), max_length=10, choices=GradingMethod.choices,
                                      default=GradingMethod.HIGHEST)
    review_policy = models.CharField(_("xem lại đáp án"), max_length=15, choices=ReviewPolicy.choices,
                                     default=ReviewPolicy.AFTER_SUBMIT)
    available_from = models.DateTimeField(_("mở từ"), null=True, blank=True)
    available_until = models.DateTimeField(_("đóng lúc"), null=True, blank=True)
    # See assessments/offline.py: the draw is signed at download, every rule is checked again at sync.
    allow_offline = models.BooleanField(
        _("cho làm ngoại tuyến"), default=False,
        help_text=_("Học viên tải đề về máy, làm khi không có mạng và nộp khi có mạng lại. Không dùng cho bài "
                    "kiểm tra cuối chương trình hay bài thi có giám sát."))
    created_at = models.DateTimeField(auto_now_add=True)

    panels = [
        FieldPanel("title"), FieldPanel("description"),
        MultiFieldPanel([
            FieldRowPanel([FieldPanel("time_limit_minutes"), FieldPanel("attempts_allowed")]),
            FieldRowPanel([FieldPanel("pass_mark"), FieldPanel("grading_method")]),
            FieldPanel("review_policy"),
            FieldRowPanel([FieldPanel("shuffle_questions"), FieldPanel("shuffle_choices")]),
            FieldRowPanel([FieldPanel("available_from"), FieldPanel("available_until")]),
            FieldPanel("allow_offline"),
        ], heading=_("Cài đặt")),
        InlinePanel("fixed_questions", label=_("Câu hỏi cố định")),
        InlinePanel("draws", label=_("Câu hỏi ngẫu nhiên theo chủ đề")),
    ]

    class Meta:
        verbose_name = _("bài kiểm tra")
        verbose_name_plural = _("bài kiểm tra")
        constraints = [
            models.CheckConstraint(
                condition=Q(available_until__isnull=True) | Q(available_from__isnull=True)
                | Q(available_until__gt=models.F("available_from")),
                name="quiz_window_ends_after_start",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("assessments:start", args=[self.pk])


class QuizQuestion(Orderable):
    quiz = ParentalKey(Quiz, on_delete=models.CASCADE, related_name="fixed_questions")
    question = models.ForeignKey(Question, verbose_name=_("câu hỏi"), on_delete=models.PROTECT,
                                 related_name="+")

    panels = [FieldPanel("question")]

    class Meta(Orderable.Meta):
        constraints = [models.UniqueConstraint(fields=["quiz", "question"], name="quiz_question_once")]


class QuizDraw(Orderable):
    """Draw `count` random questions from a topic for each attempt."""

    quiz = ParentalKey(Quiz, on_delete=models.CASCADE, related_name="draws")
    topic = models.ForeignKey(Topic, verbose_name=_("chủ đề"), on_delete=models.PROTECT, related_name="+")
    count = models.PositiveSmallIntegerField(_("số câu"), validators=[MinValueValidator(1)])

    panels = [FieldRowPanel([FieldPanel("topic"), FieldPanel("count")])]

    class Meta(Orderable.Meta):
        constraints = [models.UniqueConstraint(fields=["quiz", "topic"], name="quiz_draw_topic_once")]


class AttemptState(models.TextChoices):
    IN_PROGRESS = "in_progress", _("Đang làm")
    AWAITING_MARKING = "awaiting_marking", _("Chờ chấm")
    GRADED = "graded", _("Đã có điểm")


class Attempt(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="quiz_attempts")
    quiz = models.ForeignKey(Quiz, on_delete=models.PROTECT, related_name="attempts")
    number = models.PositiveSmallIntegerField(_("lần làm"))
    state = models.CharField(_("trạng thái"), max_length=20, choices=AttemptState.choices,
                             default=AttemptState.IN_PROGRESS)
    # The learner's commune when the attempt started: reports and marking scope use it even
    # after the learner moves or the unit is merged.
    commune = models.ForeignKey("localities.Locality", null=True, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(_("bắt đầu"))
    deadline = models.DateTimeField(_("hạn nộp"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("nộp lúc"), null=True, blank=True)
    closed_automatically = models.BooleanField(_("tự động đóng khi hết giờ"), default=False)
    graded_at = models.DateTimeField(null=True, blank=True)
    score = models.DecimalField(_("điểm"), max_digits=8, decimal_places=2, null=True, blank=True)
    max_score = models.DecimalField(_("điểm tối đa"), max_digits=8, decimal_places=2, default=0)
    percent = models.DecimalField(_("tỉ lệ (%)"), max_digits=5, decimal_places=2, null=True, blank=True)
    passed = models.BooleanField(_("đạt"), null=True)

    class Meta:
        verbose_name = _("lượt làm bài")
        verbose_name_plural = _("lượt làm bài")
        constraints = [
            # Closes the race of two "start" clicks against the attempt limit.
            models.UniqueConstraint(fields=["user", "quiz", "number"], name="attempt_unique_number"),
            models.UniqueConstraint(fields=["user", "quiz"], condition=Q(state="in_progress"),
                                    name="attempt_one_open_per_learner"),
        ]
        indexes = [
            # Serves close_overdue_attempts: open attempts past their deadline.
            models.Index(fields=["state", "deadline"], name="attempt_state_deadline_idx"),
            # Serves passed_quiz_ids / best_scores: a learner's graded attempts per quiz.
            models.Index(fields=["user", "quiz", "state"], name="attempt_user_quiz_state_idx"),
        ]

    def __str__(self):
        return f"{self.quiz} – {self.user} #{self.number}"

    @property
    def is_open(self) -> bool:
        return self.state == AttemptState.IN_PROGRESS

    def delete(self, *args, **kwargs):
        # Submitted attempts are records of assessment: never deleted (PROTECT guards the bulk paths).
        submitted = Attempt.objects.filter(pk=self.pk).exclude(state=AttemptState.IN_PROGRESS).exists()
        if submitted or self.state != AttemptState.IN_PROGRESS:
            from .exceptions import AttemptClosed

            raise AttemptClosed(_("Bài làm đã nộp không được xoá."))
        return super().delete(*args, **kwargs)


class AttemptQuestion(models.Model):
    """One question as drawn for an attempt, frozen with its position and choice order."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="questions")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()
    choice_order = models.JSONField(default=list)
    max_points = models.DecimalField(max_digits=6, decimal_places=2)

    class Meta:
        ordering = ["attempt", "position"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "position"], name="attempt_question_position"),
            models.UniqueConstraint(fields=["attempt", "question"], name="attempt_question_once"),
        ]

    def __str__(self):
        return f"{self.attempt_id}/{self.position}"


def answer_upload_to(instance, filename):
    """Kept for migration 0001 only: answers now go to private storage under PrivateName("quiz-answers")."""
    return f"quiz-answers/{instance.attempt_question.attempt_id}/{filename}"


class Answer(models.Model):
    attempt_question = models.OneToOneField(AttemptQuestion, on_delete=models.CASCADE, related_name="answer")
    response = models.JSONField(default=dict)
    # Private storage, unguessable name; served only by views.answer_file (the learner, staff in scope).
    file = models.FileField(upload_to=PrivateName("quiz-answers"), storage=private_storage, blank=True,
                            max_length=255)
    file_size = models.PositiveIntegerField(default=0)  # counts against QUIZ_ANSWER_QUOTA_BYTES
    saved_at = models.DateTimeField(auto_now=True)
    score = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    feedback = models.TextField(_("nhận xét"), blank=True)
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    marked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.attempt_question_id}"

    @property
    def file_basename(self) -> str:
        return self.file.name.rsplit("/", 1)[-1] if self.file else ""


class GradeAudit(models.Model):
    """Every change to a submitted attempt's score after its first grade."""

    attempt = models.ForeignKey(Attempt, on_delete=models.PROTECT, related_name="audits")
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT,
                                   related_name="+")
    reason = models.CharField(max_length=255)
    old_score = models.DecimalField(max_digits=8, decimal_places=2, null=True)
    new_score = models.DecimalField(max_digits=8, decimal_places=2, null=True)
    old_passed = models.BooleanField(null=True)
    new_passed = models.BooleanField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.attempt_id}: {self.old_score} → {self.new_score}"


class OfflineAttempt(models.Model):
    """How an attempt taken without a connection reached the server (assessments/offline.py).

    `client_id` is the id the phone gave the attempt: a replayed sync finds this row and changes nothing.
    `draw_id` names the signed draw the phone downloaded: one draw gives at most one attempt."""

    attempt = models.OneToOneField(Attempt, on_delete=models.PROTECT, related_name="offline")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    client_id = models.UUIDField()
    draw_id = models.UUIDField()
    downloaded_at = models.DateTimeField()
    reported_started_at = models.DateTimeField(null=True)
    reported_finished_at = models.DateTimeField(null=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("lượt làm bài ngoại tuyến")
        verbose_name_plural = _("lượt làm bài ngoại tuyến")
        constraints = [
            models.UniqueConstraint(fields=["user", "client_id"], name="offline_attempt_client_once"),
            models.UniqueConstraint(fields=["user", "draw_id"], name="offline_attempt_draw_once"),
        ]

    def __str__(self):
        return f"{self.attempt_id} ({self.client_id})"


from .item_analysis_models import ItemAnalysis  # noqa: E402,F401 - kept in its own module, registered here
