from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from localities.models import Locality

from . import selectors
from .models import MaterialKind, WorkKind, WorkTopic


class PressWorkAdminForm(WagtailAdminModelForm):
    """District staff may pick only their own district; only province managers see 'featured'."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        if "district" in self.fields:
            self.fields["district"].queryset = selectors.districts_in_scope(user)
        if "featured" in self.fields and not selectors.can_feature(user):
            del self.fields["featured"]


class MaterialAdminForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "locality" in self.fields:
            self.fields["locality"].queryset = selectors.material_localities(self.for_user)


class WorkFilterForm(forms.Form):
    """GET filters of the public list; invalid values are simply ignored."""

    q = forms.CharField(label=_("Tìm kiếm"), required=False, max_length=100)
    topic = forms.ChoiceField(label=_("Chủ đề"), required=False,
                              choices=[("", _("Tất cả"))] + WorkTopic.choices)
    kind = forms.ChoiceField(label=_("Loại sản phẩm"), required=False,
                             choices=[("", _("Tất cả"))] + WorkKind.choices)
    district = forms.ModelChoiceField(label=_("Huyện"), required=False, empty_label=_("Tất cả"),
                                      queryset=Locality.objects.districts().current())
    year = forms.IntegerField(label=_("Năm"), required=False, min_value=2000, max_value=2100)

    def filters(self) -> dict:
        return {key: value for key, value in self.cleaned_data.items() if value} if self.is_valid() else {}


class MaterialFilterForm(forms.Form):
    q = forms.CharField(label=_("Tìm kiếm"), required=False, max_length=100)
    kind = forms.ChoiceField(label=_("Loại tài liệu"), required=False,
                             choices=[("", _("Tất cả"))] + MaterialKind.choices)

    def filters(self) -> dict:
        return {key: value for key, value in self.cleaned_data.items() if value} if self.is_valid() else {}
