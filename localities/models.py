"""Administrative units through time: province → district-level (until 30/6/2025) → commune-level.

A unit keeps its code, name, type, parent and validity forever: a later list that names the same code
differently retires the old unit and creates a new one (see localities.services and docs/places.md).
"""

from datetime import date

from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    PROVINCE = "province", _("Tỉnh")
    DISTRICT = "district", _("Cấp huyện")
    COMMUNE = "commune", _("Cấp xã")


class UnitType(models.TextChoices):
    TINH = "tinh", _("Tỉnh")
    THANH_PHO_TW = "thanh_pho_tw", _("Thành phố trực thuộc trung ương")
    THANH_PHO = "thanh_pho", _("Thành phố")
    QUAN = "quan", _("Quận")
    HUYEN = "huyen", _("Huyện")
    THI_XA = "thi_xa", _("Thị xã")
    XA = "xa", _("Xã")
    PHUONG = "phuong", _("Phường")
    THI_TRAN = "thi_tran", _("Thị trấn")
    DAC_KHU = "dac_khu", _("Đặc khu")


PATH_SEPARATOR = "."
# A unit whose (parent path, code) was already taken by a unit of an earlier era gets "code~YYYYMMDD"
# (its valid_from) as its path segment: "24~20250701." is the new Bắc Ninh, "24." stays old Bắc Giang.
ERA_SEPARATOR = "~"
NO_DATE = date(1, 1, 1)  # stands for "valid since before records began" in the per-era unique constraint


def path_prefixes(path: str) -> list[str]:
    """"24.219.07xxx." -> ["24.", "24.219.", "24.219.07xxx."]: the paths of the unit and every unit above
    it, widest first (drop the last for the units above only)."""
    return [path[:end + 1] for end, char in enumerate(path) if char == PATH_SEPARATOR]


def path_segment(code: str, valid_from: date | None, taken: bool) -> str:
    if not taken:
        return f"{code}{PATH_SEPARATOR}"
    if valid_from is None:
        raise ValueError(f"code {code} is already used under this parent; a new unit needs a valid_from date")
    return f"{code}{ERA_SEPARATOR}{valid_from:%Y%m%d}{PATH_SEPARATOR}"


def last_segment(path: str) -> str:
    """"24.213.07201." -> "07201."; "24~20250701." -> "24~20250701."."""
    return path[:-1].rsplit(PATH_SEPARATOR, 1)[-1] + PATH_SEPARATOR


def ground_q(prefixes: list[str], lookup: str = "path") -> Q:
    """OR of `lookup__startswith` over the prefixes (each one an indexed range scan)."""
    condition = Q(pk__in=[])
    for prefix in prefixes:
        condition |= Q(**{f"{lookup}__startswith": prefix})
    return condition


class LocalityQuerySet(models.QuerySet):
    def provinces(self):
        return self.filter(level=Level.PROVINCE)

    def districts(self):
        return self.filter(level=Level.DISTRICT)

    def communes(self):
        return self.filter(level=Level.COMMUNE)

    def current(self):
        return self.filter(valid_to__isnull=True)

    def valid_on(self, day: date):
        return self.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day),
                           Q(valid_to__isnull=True) | Q(valid_to__gte=day))

    def within(self, locality):
        """The locality itself and every unit below it."""
        return self.filter(path__startswith=locality.path)

    def ground_of(self, locality):
        """Every unit of any era whose ground lies within `locality` today (see `Locality.ground_prefixes`)."""
        return self.filter(ground_q(locality.ground_prefixes()))


class Locality(models.Model):
    level = models.CharField(_("cấp"), max_length=10, choices=Level.choices)
    code = models.CharField(_("mã"), max_length=10, help_text=_("Mã đơn vị hành chính của Tổng cục Thống kê"))
    name = models.CharField(_("tên"), max_length=120)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=120, blank=True)
    unit_type = models.CharField(_("loại đơn vị"), max_length=20, choices=UnitType.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("đơn vị cấp trên"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="children",
    )
    # Segments from the root joined with "." and a trailing "." ("24.213.07201."), so that
    # "everything inside this unit" is one indexed prefix query: path LIKE '24.213.%'. A path never
    # changes once written (history is keyed on it); a reused code gets an era suffix (ERA_SEPARATOR).
    path = models.CharField(max_length=120, unique=True, editable=False)
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    # The DEFAULT successor, denormalised from Succession (kept in sync by the loaders): reports
    # resolve retired paths through `successor__path` in one read.
    successor = models.ForeignKey(
        "self", verbose_name=_("đơn vị kế thừa"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="predecessors",
        help_text=_("Đơn vị nhận lại địa bàn khi đơn vị này bị sáp nhập hoặc giải thể"),
    )
    # Path prefixes of every unit of any era whose ground lies within this one today, space separated;
    # empty when that is just this unit's own subtree. Recomputed by services.refresh_grounds() whenever
    # units are retired or successors change, so a scope check needs no query beyond loading the unit.
    ground_paths = models.TextField(blank=True, default="", editable=False)

    objects = LocalityQuerySet.as_manager()

    class Meta:
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = _("đơn vị hành chính")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["level", "code"], condition=Q(valid_to__isnull=True),
                                    name="locality_current_code_unique"),
            models.UniqueConstraint("level", "code", Coalesce("valid_from", models.Value(NO_DATE)),
                                    name="locality_code_era_unique"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="locality_valid_to_after_valid_from",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        old_path, self.path = self.path, self.build_path()
        super().save(*args, **kwargs)
        if old_path and old_path != self.path:
            # A unit moved under another parent (an admin correction): its descendants' paths move with it.
            for child in self.children.all():
                child.save(update_fields=["path"])

    def build_path(self) -> str:
        prefix = self.parent.path if self.parent_id else ""
        if self.path:  # keep the segment once written: "24~20250701." stays so
            return prefix + last_segment(self.path)
        taken = Locality.objects.filter(path=f"{prefix}{self.code}{PATH_SEPARATOR}").exclude(pk=self.pk).exists()
        return prefix + path_segment(self.code, self.valid_from, taken)

    def contains(self, other: "Locality") -> bool:
        return other.path.startswith(self.path)

    def ground_prefixes(self) -> list[str]:
        """Path prefixes covering every unit of any era whose ground lies within this unit today: its
        subtree, every retired unit whose successor links lead into it (with their subtrees), and for a
        retired unit also the ground of its current successors. Use as `path__startswith` alternatives."""
        return self.ground_paths.split() or [self.path]

    @property
    def is_current(self) -> bool:
        return self.valid_to is None


class Succession(models.Model):
    """A retired unit's ground passed (wholly or a `share` of it) to `successor` on `effective`.

    A merger is many rows with one successor; a split is one predecessor with several rows, exactly one
    of them the default (where its learners are moved and its figures regrouped)."""

    predecessor = models.ForeignKey(Locality, on_delete=models.CASCADE, related_name="successions")
    successor = models.ForeignKey(Locality, on_delete=models.PROTECT, related_name="succeeded")
    effective = models.DateField(_("ngày hiệu lực"))
    is_default = models.BooleanField(_("mặc định"), default=False)
    share = models.DecimalField(_("tỷ lệ"), max_digits=5, decimal_places=4, null=True, blank=True)

    class Meta:
        verbose_name = _("đơn vị kế thừa")
        verbose_name_plural = _("đơn vị kế thừa")
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="succession_unique_pair"),
            models.UniqueConstraint(fields=["predecessor"], condition=Q(is_default=True),
                                    name="succession_one_default"),
            models.CheckConstraint(condition=Q(share__isnull=True) | Q(share__gte=0, share__lte=1),
                                   name="succession_share_0_1"),
        ]

    def __str__(self):
        return f"{self.predecessor} → {self.successor}"
