"""Administrative units: province → district-level → commune-level, with official codes."""

from django.db import models
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


PATH_SEPARATOR = "."


def path_prefixes(path: str) -> list[str]:
    """"24.219.07xxx." -> ["24.", "24.219.", "24.219.07xxx."]: the paths of the unit and every unit above
    it, widest first (drop the last for the units above only)."""
    return [path[:end + 1] for end, char in enumerate(path) if char == PATH_SEPARATOR]


class LocalityQuerySet(models.QuerySet):
    def provinces(self):
        return self.filter(level=Level.PROVINCE)

    def districts(self):
        return self.filter(level=Level.DISTRICT)

    def communes(self):
        return self.filter(level=Level.COMMUNE)

    def current(self):
        return self.filter(valid_to__isnull=True)

    def within(self, locality):
        """The locality itself and every unit below it."""
        return self.filter(path__startswith=locality.path)


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
    # Codes from the root joined with "." and a trailing "." ("24.213.07201."), so that
    # "everything inside this unit" is one indexed prefix query: path LIKE '24.213.%'.
    path = models.CharField(max_length=64, unique=True, editable=False)
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    successor = models.ForeignKey(
        "self", verbose_name=_("đơn vị kế thừa"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="predecessors",
        help_text=_("Đơn vị nhận lại địa bàn khi đơn vị này bị sáp nhập hoặc giải thể"),
    )

    objects = LocalityQuerySet.as_manager()

    class Meta:
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = _("đơn vị hành chính")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["level", "code"], name="locality_unique_code_per_level"),
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_from__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
                name="locality_valid_to_after_valid_from",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        old_path, self.path = self.path, self.build_path()
        super().save(*args, **kwargs)
        if old_path and old_path != self.path:
            # A unit moved under another parent: its descendants' paths move with it.
            for child in self.children.all():
                child.save(update_fields=["path"])

    def build_path(self) -> str:
        prefix = self.parent.path if self.parent_id else ""
        return f"{prefix}{self.code}{PATH_SEPARATOR}"

    def contains(self, other: "Locality") -> bool:
        return other.path.startswith(self.path)

    @property
    def is_current(self) -> bool:
        return self.valid_to is None
