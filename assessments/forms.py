import re
from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _

from .exceptions import InvalidResponse
from .services import PostedAnswer


def posted_answers(post, files) -> list[PostedAnswer]:
    """The answers a quiz form (or one autosave) carries: `question` lists the ids shown, `q<id>` the values."""
    ids = post.getlist("question")
    if not ids or any(not re.fullmatch(r"\d{1,12}", value) for value in ids):
        raise InvalidResponse(_("Không có câu trả lời hợp lệ."))
    # NUL characters are dropped: never typed by a person, and PostgreSQL cannot store them.
    return [PostedAnswer(int(qid), [value.replace("\x00", "") for value in post.getlist(f"q{qid}")],
                         files.get(f"q{qid}")) for qid in dict.fromkeys(ids)]


class MarkForm(forms.Form):
    points = forms.DecimalField(label=_("Điểm"), min_value=Decimal(0), decimal_places=2, max_digits=6)
    feedback = forms.CharField(label=_("Nhận xét"), widget=forms.Textarea(attrs={"rows": 4}), required=False)

    def __init__(self, *args, max_points: Decimal, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["points"].max_value = max_points
        self.fields["points"].validators.append(MaxValueValidator(max_points))
        self.fields["points"].widget.attrs.update({"max": max_points, "step": "0.25"})


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Tệp câu hỏi (.xlsx theo mẫu, .gift / .txt định dạng GIFT, hoặc .xml Moodle XML)"))
    topic = forms.CharField(label=_("Chủ đề mặc định cho tệp GIFT / XML"), max_length=200, required=False,
                            help_text=_("Dùng khi tệp không có dòng $CATEGORY (GIFT) hay câu hỏi category (XML)"))
    allow_duplicates = forms.BooleanField(
        label=_("Vẫn nhập câu hỏi trùng"), required=False,
        help_text=_("Mặc định, câu hỏi giống hệt (cùng loại, nội dung và đáp án) một câu đã có trong cùng chủ đề "
                    "được bỏ qua và liệt kê"))
    quiz = forms.ModelChoiceField(
        label=_("Thêm vào bài kiểm tra"), queryset=None, required=False, empty_label=_("Không, chỉ nhập vào ngân hàng"),
        help_text=_("Các câu của tệp được thêm vào cuối bài kiểm tra theo thứ tự trong tệp; câu đã có trong bài "
                    "không thêm lại"),
        error_messages={"invalid_choice": _("Bài kiểm tra này không có hoặc bạn không được sửa.")})

    def __init__(self, *args, user, **kwargs):
        from .selectors import quizzes_for_author

        super().__init__(*args, **kwargs)
        self.fields["quiz"].queryset = quizzes_for_author(user)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".gift", ".txt", ".xml")):
            raise forms.ValidationError(_("Chỉ nhận tệp .xlsx, .gift, .txt hoặc .xml."))
        if upload.size > settings.IMPORT_MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("Tệp quá lớn (tối đa %(size)s MB).") % {
                "size": settings.IMPORT_MAX_UPLOAD_BYTES // (1024 * 1024)})
        return upload


class RegradeForm(forms.Form):
    reason = forms.CharField(label=_("Lý do chấm lại"), max_length=255)


class ExportForm(forms.Form):
    topic = forms.ModelChoiceField(label=_("Chủ đề"), queryset=None, required=False,
                                   empty_label=_("Tất cả chủ đề"))
    format = forms.ChoiceField(label=_("Định dạng"), choices=[("gift", "GIFT"), ("xml", "Moodle XML")])

    def __init__(self, *args, **kwargs):
        from .models import Topic

        super().__init__(*args, **kwargs)
        self.fields["topic"].queryset = Topic.objects.all()
