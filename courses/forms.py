from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import TargetGroup
from localities.models import Level, Locality

from .models import ProgramPage


class BulkEnrolForm(forms.Form):
    program = forms.ModelChoiceField(label=_("Chương trình"), queryset=ProgramPage.objects.live())
    locality = forms.ModelChoiceField(label=_("Địa bàn"), queryset=Locality.objects.none())
    target_group = forms.ChoiceField(label=_("Nhóm đối tượng"),
                                     choices=[("", _("Tất cả"))] + list(TargetGroup.choices), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from accounts import access

        units = Locality.objects.current().exclude(level=Level.COMMUNE)
        self.fields["locality"].queryset = access.filter_in_scope(units, user, "path", access.MANAGER_ROLES)
