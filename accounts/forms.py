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
    """Communes of the chosen province, grouped by their district where one still exists."""

    def label_from_instance(self, obj):
        return obj.name


def current_provinces():
    return Locality.objects.current().filter(level=Level.PROVINCE).order_by("name")


def current_communes_of(province: Locality | None):
    """The commune-level units of `province` today (directly under it since 1/7/2025, under a district on
    an installation still on the three-tier map)."""
    if province is None:
        return Locality.objects.none()
    return (Locality.objects.current().filter(level=Level.COMMUNE, path__startswith=province.path)
            .select_related("parent").order_by("parent__name", "name"))


def chosen_province(value) -> Locality | None:
    """The province picked on the page (GET or POST), or the only one when there is only one."""
    provinces = current_provinces()
    if value and str(value).isdigit():
        return provinces.filter(pk=value).first()
    only = list(provinces[:2])
    return only[0] if len(only) == 1 else None


class SignUpForm(forms.Form):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150)
    phone = forms.CharField(label=_("Số điện thoại"), max_length=20,
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))
    email = forms.EmailField(label=_("Email (không bắt buộc)"), required=False)
    province = forms.ModelChoiceField(label=_("Tỉnh, thành phố"), queryset=Locality.objects.none(),
                                      widget=forms.HiddenInput)
    commune = CommuneChoiceField(label=_("Xã, phường, đặc khu"), queryset=Locality.objects.none())
    target_group = forms.ChoiceField(label=_("Nhóm đối tượng"), choices=TargetGroup.choices,
                                     widget=forms.RadioSelect)
    position = forms.CharField(label=_("Chức vụ"), max_length=150, required=False)
    organisation = forms.CharField(label=_("Cơ quan, đơn vị"), max_length=200, required=False)
    password1 = forms.CharField(label=_("Mật khẩu"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(label=_("Nhập lại mật khẩu"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def __init__(self, *args, province: Locality | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.province = province
        self.fields["province"].queryset = current_provinces()
        self.fields["province"].initial = province.pk if province else None
        # Only the chosen province's communes: a whole country's 3,321 would weigh on a cheap phone.
        self.fields["commune"].queryset = current_communes_of(province)

    def clean_phone(self):
        phone = normalize_phone(self.cleaned_data["phone"])
        if not is_valid_phone(phone):
            raise forms.ValidationError(_("Số điện thoại không hợp lệ (ví dụ: 0912345678)."))
        if User.objects.filter(phone=phone).exists() or User.objects.filter(username=phone).exists():
            raise forms.ValidationError(_("Số điện thoại này đã có tài khoản. Hãy đăng nhập."))
        return phone

    def clean(self):
        cleaned = super().clean()
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

    def commune_groups(self):
        """[(district or None, [communes])]: communes under a district are grouped by it (three-tier map)."""
        return group_communes(self.fields["commune"].queryset)


def group_communes(communes) -> list:
    groups: dict = {}
    for commune in communes:
        group = commune.parent if commune.parent and commune.parent.level == Level.DISTRICT else None
        groups.setdefault(group, []).append(commune)
    return list(groups.items())


class CommuneConfirmForm(forms.Form):
    """A learner whose commune was merged or split confirms (or changes) the commune they belong to today."""

    commune = CommuneChoiceField(label=_("Xã, phường, đặc khu của bạn hiện nay"), queryset=Locality.objects.none(),
                                 empty_label=None)

    def __init__(self, *args, province: Locality | None, initial_commune: Locality | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = current_communes_of(province)
        self.fields["commune"].initial = initial_commune.pk if initial_commune else None

    def commune_groups(self):
        return group_communes(self.fields["commune"].queryset)


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
