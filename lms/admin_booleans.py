"""Yes/no values in the Wagtail admin listings say "Có"/"Không", not "True"/"False".

Wagtail shows an active boolean filter as `str(value)` ("Tiêu biểu False" above a listing); the cell template
(lms/templates/wagtailadmin/tables/cell.html) does the same for boolean columns.
"""

import django_filters
from django.utils.translation import gettext as _
from wagtail.admin.active_filters import ActiveFilter, BaseFilterAdapter, register_filter_adapter_class


def yes_no(value) -> str:
    return _("Có") if value else _("Không")


class BooleanFilterAdapter(BaseFilterAdapter):
    def get_active_filters(self):
        yield ActiveFilter(self.bound_field.auto_id, self.filter.label, yes_no(self.value),
                           self.get_url_without_filter_param(self.name))


def register():
    register_filter_adapter_class(django_filters.BooleanFilter, BooleanFilterAdapter)
