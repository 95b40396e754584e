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


class TimeInput(forms.TimeInput):
    input_type = "time"


def _hours_fields():
    return (forms.TimeField(label=_("Giờ bắt đầu mỗi buổi"), initial="07:30", widget=TimeInput(format="%H:%M")),
            forms.TimeField(label=_("Giờ kết thúc mỗi buổi"), initial="17:00", widget=TimeInput(format="%H:%M")))


class TrainingClassForm(forms.ModelForm):
    class Meta:
        model = TrainingClass
        fields = ["title", "program", "modules", "organiser", "venue", "start_date", "end_date", "allow_longer",
                  "capacity", "target_group", "funding_year", "attendance_threshold", "guest_speakers",
                  "pre_test", "post_test"]
        widgets = {"start_date": DateInput(format="%Y-%m-%d"), "end_date": DateInput(format="%Y-%m-%d"),
                   "modules": forms.CheckboxSelectMultiple}

    starts_at, ends_at = _hours_fields()
    confirm_duplicate = forms.BooleanField(
        label=_("Vẫn tạo lớp này dù đã có lớp cùng tên, cùng đơn vị và cùng ngày"), required=False)

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
        self._check_hours(cleaned)
        self._flag_duplicate(cleaned)
        return cleaned

    def _check_hours(self, cleaned):
        from .services import ClassError, validate_hours

        if cleaned.get("starts_at") and cleaned.get("ends_at"):
            try:
                validate_hours(cleaned["starts_at"], cleaned["ends_at"])
            except ClassError as error:
                self.add_error("ends_at", str(error))

    def _flag_duplicate(self, cleaned):
        """The same class entered twice is counted twice in the reports: say so, and create it only when
        the user confirms it is another class."""
        from .services import duplicates_of

        keys = [cleaned.get(name) for name in ("title", "organiser", "start_date", "end_date")]
        if not all(keys) or cleaned.get("confirm_duplicate"):
            return
        duplicates = duplicates_of(*keys, exclude_pk=self.instance.pk)
        if duplicates:
            existing = duplicates[0]
            self.add_error("confirm_duplicate", _(
                "Đã có lớp “%(title)s” của %(unit)s từ %(start)s đến %(end)s (mã lớp %(pk)s). Nếu đây là lớp khác, "
                "hãy đánh dấu ô này để vẫn tạo.") % {
                    "title": existing.title, "unit": existing.organiser.name, "pk": existing.pk,
                    "start": f"{existing.start_date:%d/%m/%Y}", "end": f"{existing.end_date:%d/%m/%Y}"})


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


class SessionHoursForm(forms.Form):
    starts_at, ends_at = _hours_fields()

    def clean(self):
        from .services import ClassError, validate_hours

        cleaned = super().clean()
        if cleaned.get("starts_at") and cleaned.get("ends_at"):
            try:
                validate_hours(cleaned["starts_at"], cleaned["ends_at"])
            except ClassError as error:
                raise forms.ValidationError(str(error)) from None
        return cleaned
