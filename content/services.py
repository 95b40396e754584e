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


def _work_refusal() -> str:
    return _("Tác phẩm này không thuộc địa bàn bạn phụ trách.")


def _material_refusal() -> str:
    return _("Bạn không được đăng tài liệu cho địa bàn này.")


def _require_scope(user: User, unit: Locality, refusal) -> None:
    if not access.can_see_locality(user, unit):
        raise OutOfScope(refusal())


def _save_in_scope(user: User, form, unit_field: str, creator_field: str, refusal, check=None):
    """Create or update an item of a unit from a validated admin form: an edit may neither take an item of
    another unit nor move one out of the user's scope; the creator is recorded once."""
    item = form.instance
    if item.pk:
        stored = type(item).objects.select_related(unit_field).get(pk=item.pk)
        _require_scope(user, getattr(stored, unit_field), refusal)
    _require_scope(user, getattr(item, unit_field), refusal)
    if check:
        check(user, item)
    if not item.pk:
        setattr(item, creator_field, user)
    return form.save()


def _check_featured_change(user: User, work: PressWork) -> None:
    stored = PressWork.objects.filter(pk=work.pk).values_list("featured", flat=True).first() or False
    if work.featured != stored and not selectors.can_feature(user):
        raise NotAllowed(_("Chỉ quản lý cấp tỉnh được đánh dấu tác phẩm tiêu biểu."))


@transaction.atomic
def save_press_work(user: User, form) -> PressWork:
    """Create or update a work from a validated admin form (with its files and broadcasts)."""
    return _save_in_scope(user, form, "unit", "created_by", _work_refusal, check=_check_featured_change)


@transaction.atomic
def delete_press_work(user: User, work: PressWork) -> None:
    _require_scope(user, work.unit, _work_refusal)
    work.delete()


def set_featured(user: User, work: PressWork, featured: bool) -> bool:
    """Province managers mark a work featured; True if this call changed it (idempotent)."""
    if not selectors.can_feature(user):
        raise NotAllowed(_("Chỉ quản lý cấp tỉnh được đánh dấu tác phẩm tiêu biểu."))
    return bool(PressWork.objects.filter(pk=work.pk).exclude(featured=featured).update(featured=featured))


def record_broadcast(user: User, work: PressWork, *, date: datetime.date, channel: str,
                     locality: Locality, note: str = "") -> Broadcast:
    """One release of a work; whether it is the first or a rebroadcast is derived, never stored."""
    _require_scope(user, work.unit, _work_refusal)
    broadcast = Broadcast(work=work, date=date, channel=channel, locality=locality, note=note)
    broadcast.full_clean()
    broadcast.save()
    return broadcast


# --- Materials library -----------------------------------------------------------------------------------


@transaction.atomic
def save_material(user: User, form) -> Material:
    """Create or update a material from a validated admin form."""
    return _save_in_scope(user, form, "locality", "uploaded_by", _material_refusal)


@transaction.atomic
def delete_material(user: User, material: Material) -> None:
    _require_scope(user, material.locality, _material_refusal)
    storage, name = material.file.storage, material.file.name
    material.delete()
    # The file goes only once the row is gone for good: a rollback must not leave a row without its file.
    transaction.on_commit(lambda: storage.delete(name))


def publish_material(user: User, *, title: str, kind: str, file, locality: Locality, description: str = "",
                     program_page=None) -> Material:
    """Publish a material outside the admin (imports, tests); the same upload checks apply."""
    _require_scope(user, locality, _material_refusal)
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
