from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from localities.models import Level, Locality

from .models import TargetGroup, User
from .phone import is_valid_phone, normalize_phone
from .services import LearnerData


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Tên đăng nhập hoặc số điện thoại"), max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username", "inputmode": "text"}),
    )
    error_messages = {
        "invalid_login": _("Tên đăng nhập/số điện thoại hoặc mật khẩu không đúng."),
        "inactive": _("Tài khoản này đã bị khoá. Hãy liên hệ quản lý của bạn."),
        "awaiting_approval": _("Tài khoản của bạn đang chờ quản lý duyệt. "
                               "Bạn sẽ đăng nhập được sau khi được duyệt."),
    }

    def confirm_login_allowed(self, user):
        if user.awaiting_approval:
            raise forms.ValidationError(self.error_messages["awaiting_approval"], code="awaiting_approval")
        super().confirm_login_allowed(user)


class CommuneChoiceField(forms.ModelChoiceField):
    """Communes grouped by district, so the list works even without JavaScript."""

    def label_from_instance(self, obj):
        return obj.name


class SignUpForm(forms.Form):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150)
    phone = forms.CharField(label=_("Số điện thoại"), max_length=20,
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))
    email = forms.EmailField(label=_("Email (không bắt buộc)"), required=False)
    district = forms.ModelChoiceField(label=_("Huyện, thị xã, thành phố"), queryset=Locality.objects.none())
    commune = CommuneChoiceField(label=_("Xã, phường, thị trấn"), queryset=Locality.objects.none())
    target_group = forms.ChoiceField(label=_("Nhóm đối tượng"), choices=TargetGroup.choices,
                                     widget=forms.RadioSelect)
    position = forms.CharField(label=_("Chức vụ"), max_length=150, required=False)
    organisation = forms.CharField(label=_("Cơ quan, đơn vị"), max_length=200, required=False)
    password1 = forms.CharField(label=_("Mật khẩu"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(label=_("Nhập lại mật khẩu"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = Locality.objects.current()
        self.fields["district"].queryset = current.filter(level=Level.DISTRICT)
        self.fields["commune"].queryset = current.filter(level=Level.COMMUNE).select_related("parent")

    def clean_phone(self):
        phone = normalize_phone(self.cleaned_data["phone"])
        if not is_valid_phone(phone):
            raise forms.ValidationError(_("Số điện thoại không hợp lệ (ví dụ: 0912345678)."))
        if User.objects.filter(phone=phone).exists() or User.objects.filter(username=phone).exists():
            raise forms.ValidationError(_("Số điện thoại này đã có tài khoản. Hãy đăng nhập."))
        return phone

    def clean(self):
        cleaned = super().clean()
        district, commune = cleaned.get("district"), cleaned.get("commune")
        if district and commune and commune.parent_id != district.pk:
            self.add_error("commune", _("Xã đã chọn không thuộc huyện đã chọn."))
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("Hai mật khẩu không khớp."))
        elif password1:
            probe = User(username=cleaned.get("phone", ""), full_name=cleaned.get("full_name", ""))
            try:
                password_validation.validate_password(password1, probe)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned

    def learner_data(self) -> LearnerData:
        c = self.cleaned_data
        return LearnerData(full_name=c["full_name"], phone=c["phone"], commune=c["commune"],
                           target_group=c["target_group"], position=c["position"],
                           organisation=c["organisation"], email=c["email"])

    def communes_by_district(self):
        """[(district, [communes])] for the grouped picker."""
        groups: dict = {}
        for commune in self.fields["commune"].queryset:
            groups.setdefault(commune.parent, []).append(commune)
        return list(groups.items())


class LearnerImportForm(forms.Form):
    file = forms.FileField(label=_("Tệp danh sách học viên (.xlsx hoặc .csv)"))

    def clean_file(self):
        from django.conf import settings

        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError(_("Chỉ nhận tệp .xlsx hoặc .csv."))
        if upload.size > settings.IMPORT_MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("Tệp quá lớn (tối đa %(size)s MB).") % {
                "size": settings.IMPORT_MAX_UPLOAD_BYTES // (1024 * 1024)})
        return upload
