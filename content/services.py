from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.models import Page, Site

from .models import HomePage

HOME_INTRO = ("Học trực tuyến các chương trình bồi dưỡng nghiệp vụ thông tin cơ sở, "
              "mọi lúc, trên điện thoại.")


@transaction.atomic
def ensure_home_page() -> HomePage:
    """Make a HomePage the root of the default site (idempotent).

    Wagtail's first migration creates a placeholder welcome page; it is replaced here.
    """
    existing = HomePage.objects.first()
    if existing:
        return existing
    root = Page.get_first_root_node()
    for placeholder in root.get_children().filter(slug="home").exclude(content_type__model="homepage"):
        placeholder.delete()
    home = root.add_child(instance=HomePage(title=_("Bồi dưỡng thông tin cơ sở"), slug="home",
                                             intro=HOME_INTRO))
    Site.objects.update_or_create(is_default_site=True, defaults={
        "hostname": "localhost", "port": 80, "root_page": home, "site_name": _("Bồi dưỡng thông tin cơ sở")})
    return home
