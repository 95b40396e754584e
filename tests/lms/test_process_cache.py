"""The per-process cache of the Site, the organiser settings and a quiz's curriculum places."""

from lms import process_cache
from lms.process_cache import ProcessCache


def test_a_value_is_read_once_within_the_ttl_then_again(monkeypatch):
    now, reads = [100.0], []
    monkeypatch.setattr(process_cache.time, "monotonic", lambda: now[0])
    cache = ProcessCache(ttl_seconds=30)

    def read():
        reads.append(now[0])
        return len(reads)

    assert [cache.get("k", read), cache.get("k", read)] == [1, 1]
    now[0] += 29.9
    assert cache.get("k", read) == 1
    now[0] += 0.2  # 30.1 s after the read
    assert cache.get("k", read) == 2 and reads == [100.0, 130.1]
    assert cache.get("other", read) == 3  # keys are kept apart


def test_clear_forgets_at_once():
    cache, values = ProcessCache(ttl_seconds=60), iter(["old", "new"])
    assert cache.get("site", lambda: next(values)) == "old"
    cache.clear()
    assert cache.get("site", lambda: next(values)) == "new"


def test_organiser_settings_saved_show_on_the_next_page(client, home_page):
    from wagtail.models import Site

    from content.models import OrganiserSettings

    organiser = OrganiserSettings.for_site(Site.objects.get(is_default_site=True))
    organiser.organiser_name = "Sở Văn hoá cũ"
    organiser.save()
    assert "Sở Văn hoá cũ" in client.get("/").content.decode()  # now kept by this process
    organiser.organiser_name = "Sở Văn hoá, Thể thao và Du lịch"
    organiser.save()  # the save in this process forgets the kept copy at once
    page = client.get("/").content.decode()
    assert "Sở Văn hoá, Thể thao và Du lịch" in page and "Sở Văn hoá cũ" not in page
