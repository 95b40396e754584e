from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import PracticeStatus


class PracticeForm(forms.Form):
    text = forms.CharField(label=_("Bài làm"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    file = forms.FileField(label=_("Tệp (ảnh, PDF, văn bản, âm thanh)"), required=False)
    recording = forms.FileField(label=_("Ghi âm bằng điện thoại"), required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("file") and cleaned.get("recording"):
            raise forms.ValidationError(_("Chỉ gửi một tệp: tệp đã chọn hoặc bản ghi âm."))
        cleaned["upload"] = cleaned.get("recording") or cleaned.get("file")
        return cleaned


class PracticeMarkForm(forms.Form):
    status = forms.ChoiceField(label=_("Kết quả"), widget=forms.RadioSelect, choices=[
        (PracticeStatus.PASSED, PracticeStatus.PASSED.label), (PracticeStatus.REDO, PracticeStatus.REDO.label)])
    feedback = forms.CharField(label=_("Nhận xét cho học viên"), required=False,
                               widget=forms.Textarea(attrs={"rows": 5}))
