"""The Site and the organiser settings, kept between requests instead of two queries on every page.

Both change a few times a year (an agency renamed, a host added). Each worker process keeps them for at most
`TTL_SECONDS`; a save or delete clears them at once in the process that saved (the admin's own next page
shows the change) and the other workers follow within the TTL. Wagtail keeps its site root paths the same
way (Site.get_site_root_paths, the default cache). Learner progress and page content are never kept here.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http.request import split_domain_port
from wagtail.models import Page, Site
from wagtail.models.sites import get_site_for_hostname

from lms.process_cache import ProcessCache

from .models import OrganiserSettings

TTL_SECONDS = 60
_sites = ProcessCache(TTL_SECONDS)  # (host, port) -> Site or None
_settings = ProcessCache(TTL_SECONDS)  # site id -> OrganiserSettings


def clear():
    _sites.clear()
    _settings.clear()


def _site_for_host(host: str, port: int) -> Site | None:
    try:
        return get_site_for_hostname(host, port)
    except Site.DoesNotExist:
        return None


def site_for_request(request) -> Site | None:
    """Wagtail's Site.find_for_request, kept per host and port (and on the request, as Wagtail does)."""
    if hasattr(request, "_wagtail_site"):
        return request._wagtail_site
    key = (split_domain_port(request._get_raw_host())[0], request.get_port())
    request._wagtail_site = _sites.get(key, lambda: _site_for_host(*key))
    return request._wagtail_site


def organiser_settings_for_request(request) -> OrganiserSettings | None:
    """OrganiserSettings.for_request, kept per site; also stored where Wagtail's `settings` context
    processor looks first, so the templates read it without a query."""
    attr = OrganiserSettings.get_cache_attr_name()
    if hasattr(request, attr):
        return getattr(request, attr)
    site = site_for_request(request)
    if site is None:
        return None
    organiser = _settings.get(site.pk, lambda: OrganiserSettings.for_site(site))
    setattr(request, attr, organiser)
    return organiser


@receiver(post_save, sender=Site, dispatch_uid="content.site_cache.site_saved")
@receiver(post_delete, sender=Site, dispatch_uid="content.site_cache.site_deleted")
@receiver(post_save, sender=OrganiserSettings, dispatch_uid="content.site_cache.settings_saved")
@receiver(post_delete, sender=OrganiserSettings, dispatch_uid="content.site_cache.settings_deleted")
def _forget(sender, **kwargs):
    clear()


@receiver(post_save, dispatch_uid="content.site_cache.root_page_saved")
def _forget_root(sender, instance, **kwargs):
    # A site's root page renamed or moved changes the url_path every page lookup starts from.
    if isinstance(instance, Page) and instance.depth is not None and instance.depth <= 2:
        clear()
