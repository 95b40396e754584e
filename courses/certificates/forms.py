from django import forms
from django.utils.translation import gettext_lazy as _


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Lý do"), max_length=255, widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": _("Hãy ghi lý do.")})
