import datetime

from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.models import Page, Site

from accounts import access
from accounts.models import User
from localities.models import Locality

from . import selectors
from .exceptions import NotAllowed, OutOfScope
from .models import Broadcast, HomePage, Material, PressWork

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
    root = _ensure_tree_roots()
    for placeholder in root.get_children().filter(slug="home").exclude(content_type__model="homepage"):
        placeholder.delete()
    home = root.add_child(instance=HomePage(title=_("Bồi dưỡng thông tin cơ sở"), slug="home",
                                             intro=HOME_INTRO))
    Site.objects.update_or_create(is_default_site=True, defaults={
        "hostname": "localhost", "port": 80, "root_page": home, "site_name": _("Bồi dưỡng thông tin cơ sở")})
    return home


# --- Press works -----------------------------------------------------------------------------------------


def _require_work_scope(user: User, unit: Locality) -> None:
    if not access.can_see_locality(user, unit):
        raise OutOfScope(_("Tác phẩm này không thuộc địa bàn bạn phụ trách."))


def _check_featured_change(user: User, work: PressWork) -> None:
    stored = PressWork.objects.filter(pk=work.pk).values_list("featured", flat=True).first() or False
    if work.featured != stored and not selectors.can_feature(user):
        raise NotAllowed(_("Chỉ quản lý cấp tỉnh được đánh dấu tác phẩm tiêu biểu."))


@transaction.atomic
def save_press_work(user: User, form) -> PressWork:
    """Create or update a work from a validated admin form (with its files and broadcasts)."""
    work = form.instance
    if work.pk:
        _require_work_scope(user, PressWork.objects.select_related("unit").get(pk=work.pk).unit)
    _require_work_scope(user, work.unit)
    _check_featured_change(user, work)
    if not work.pk:
        work.created_by = user
    return form.save()


@transaction.atomic
def delete_press_work(user: User, work: PressWork) -> None:
    _require_work_scope(user, work.unit)
    work.delete()


def set_featured(user: User, work: PressWork, featured: bool) -> bool:
    """Province managers mark a work featured; True if this call changed it (idempotent)."""
    if not selectors.can_feature(user):
        raise NotAllowed(_("Chỉ quản lý cấp tỉnh được đánh dấu tác phẩm tiêu biểu."))
    return bool(PressWork.objects.filter(pk=work.pk).exclude(featured=featured).update(featured=featured))


def record_broadcast(user: User, work: PressWork, *, date: datetime.date, channel: str,
                     locality: Locality, note: str = "") -> Broadcast:
    """One release of a work; whether it is the first or a rebroadcast is derived, never stored."""
    _require_work_scope(user, work.unit)
    broadcast = Broadcast(work=work, date=date, channel=channel, locality=locality, note=note)
    broadcast.full_clean()
    broadcast.save()
    return broadcast


# --- Materials library -----------------------------------------------------------------------------------


def _require_material_scope(user: User, locality: Locality) -> None:
    if not access.can_see_locality(user, locality):
        raise OutOfScope(_("Bạn không được đăng tài liệu cho địa bàn này."))


@transaction.atomic
def save_material(user: User, form) -> Material:
    """Create or update a material from a validated admin form."""
    material = form.instance
    if material.pk:
        _require_material_scope(user, Material.objects.select_related("locality").get(pk=material.pk).locality)
    _require_material_scope(user, material.locality)
    if not material.pk:
        material.uploaded_by = user
    return form.save()


@transaction.atomic
def delete_material(user: User, material: Material) -> None:
    _require_material_scope(user, material.locality)
    storage, name = material.file.storage, material.file.name
    material.delete()
    # The file goes only once the row is gone for good: a rollback must not leave a row without its file.
    transaction.on_commit(lambda: storage.delete(name))


def publish_material(user: User, *, title: str, kind: str, file, locality: Locality, description: str = "",
                     program_page=None) -> Material:
    """Publish a material outside the admin (imports, tests); the same upload checks apply."""
    _require_material_scope(user, locality)
    material = Material(title=title, kind=kind, file=file, locality=locality, description=description,
                        program_page=program_page, uploaded_by=user)
    material.full_clean()
    material.save()
    return material


def _ensure_tree_roots() -> Page:
    """Wagtail's migrations create the default locale, the root page and the root collection.

    A database flushed after migrating (transactional tests do this) has none of them;
    recreate them so the site can be set up again.
    """
    from django.conf import settings
    from wagtail.models import Collection, Locale

    Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    if not Collection.objects.exists():
        Collection.add_root(name="Root")
    return Page.get_first_root_node() or Page.add_root(title="Root", slug="root")
