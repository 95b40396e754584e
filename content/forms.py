from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from accounts import access
from localities.models import Locality

from . import selectors
from .models import MaterialKind, WorkKind, WorkTopic


class PressWorkAdminForm(WagtailAdminModelForm):
    """Staff file a work under a unit of their scope; only province managers see 'featured'."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        if "unit" in self.fields:
            self.fields["unit"].queryset = access.local_unit_choices(user, self.instance.unit_id)
        if "featured" in self.fields and not selectors.can_feature(user):
            del self.fields["featured"]


class MaterialAdminForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "locality" in self.fields:
            self.fields["locality"].queryset = selectors.material_localities(self.for_user,
                                                                            self.instance.locality_id)


class WorkFilterForm(forms.Form):
    """GET filters of the public list; invalid values are simply ignored."""

    q = forms.CharField(label=_("Tìm kiếm"), required=False, max_length=100)
    topic = forms.ChoiceField(label=_("Chủ đề"), required=False,
                              choices=[("", _("Tất cả"))] + WorkTopic.choices)
    kind = forms.ChoiceField(label=_("Loại sản phẩm"), required=False,
                             choices=[("", _("Tất cả"))] + WorkKind.choices)
    unit = forms.ModelChoiceField(label=_("Đơn vị sản xuất"), required=False, empty_label=_("Tất cả"),
                                  queryset=Locality.objects.none())
    year = forms.IntegerField(label=_("Năm"), required=False, min_value=2000, max_value=2100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = selectors.producing_units()

    def filters(self) -> dict:
        return {key: value for key, value in self.cleaned_data.items() if value} if self.is_valid() else {}


class MaterialFilterForm(forms.Form):
    q = forms.CharField(label=_("Tìm kiếm"), required=False, max_length=100)
    kind = forms.ChoiceField(label=_("Loại tài liệu"), required=False,
                             choices=[("", _("Tất cả"))] + MaterialKind.choices)

    def filters(self) -> dict:
        return {key: value for key, value in self.cleaned_data.items() if value} if self.is_valid() else {}
