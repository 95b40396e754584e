from django import forms
from django.utils.translation import gettext_lazy as _


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Lý do"), max_length=255, widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": _("Hãy ghi lý do.")})


class VerifyForm(forms.Form):
    code = forms.CharField(label=_("Mã xác thực in trên giấy chứng nhận"), max_length=40,
                           widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters",
                                                         "spellcheck": "false", "placeholder": "XXXX-XXXX-XXXX"}),
                           help_text=_("Viết hoa hay thường, có hay không có dấu gạch ngang đều được."))
