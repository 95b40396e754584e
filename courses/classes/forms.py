from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from accounts import access
from accounts.models import TargetGroup
from accounts.phone import is_valid_phone, normalize_phone
from localities.models import Locality

from ..models import ModulePage, ProgramPage, TrainingClass


def organiser_communes(training_class: TrainingClass):
    """Today's communes on the organising unit's ground (a class of a retired district: the communes that
    took it over)."""
    return Locality.objects.communes().current().ground_of(training_class.organiser)


class DateInput(forms.DateInput):
    input_type = "date"


class TrainingClassForm(forms.ModelForm):
    class Meta:
        model = TrainingClass
        fields = ["title", "program", "modules", "organiser", "venue", "start_date", "end_date", "allow_longer",
                  "capacity", "target_group", "funding_year", "attendance_threshold", "guest_speakers",
                  "pre_test", "post_test"]
        widgets = {"start_date": DateInput(format="%Y-%m-%d"), "end_date": DateInput(format="%Y-%m-%d"),
                   "modules": forms.CheckboxSelectMultiple}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Any unit of the user's scope: the province, a commune (and their own unit of the past on edit).
        self.fields["organiser"].queryset = access.local_unit_choices(user, self.instance.organiser_id)
        self.fields["program"].queryset = ProgramPage.objects.live()
        self.fields["modules"].queryset = ModulePage.objects.live()
        self.fields["modules"].required = False
        if not access.has_full_access(user):
            del self.fields["allow_longer"]

    def clean(self):
        from .services import ClassError, validate_dates

        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end:
            try:
                validate_dates(start, end, cleaned.get("allow_longer", False))
            except ClassError as error:
                self.add_error("end_date", str(error))
        return cleaned


class CandidateFilterForm(forms.Form):
    commune = forms.ModelChoiceField(label=_("Xã"), queryset=Locality.objects.none(), required=False)
    target_group = forms.ChoiceField(label=_("Nhóm"), choices=[("", _("Tất cả"))] + list(TargetGroup.choices),
                                     required=False)

    def __init__(self, *args, training_class, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = organiser_communes(training_class)


class RosterForm(forms.Form):
    file = forms.FileField(label=_("Danh sách học viên (.xlsx hoặc .csv)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError(_("Chỉ nhận tệp .xlsx hoặc .csv."))
        if upload.size > settings.IMPORT_MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("Tệp quá lớn."))
        return upload


class WalkInForm(forms.Form):
    phone = forms.CharField(label=_("Số điện thoại"), max_length=20)
    full_name = forms.CharField(label=_("Họ và tên (nếu chưa có tài khoản)"), max_length=150, required=False)
    commune = forms.ModelChoiceField(label=_("Xã (nếu chưa có tài khoản)"), queryset=Locality.objects.none(),
                                     required=False)
    target_group = forms.ChoiceField(label=_("Nhóm"), choices=TargetGroup.choices, required=False)

    def __init__(self, *args, training_class, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = organiser_communes(training_class)

    def clean_phone(self):
        phone = normalize_phone(self.cleaned_data["phone"])
        if not is_valid_phone(phone):
            raise forms.ValidationError(_("Số điện thoại không hợp lệ (ví dụ: 0912345678)."))
        return phone


class CheckInForm(forms.Form):
    code = forms.CharField(label=_("Mã điểm danh"), max_length=8,
                           widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off"}))
