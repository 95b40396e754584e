"""Demo users for local development only. The passwords are public: never run this in production.

The demo shows both maps (docs/places.md). Learners who registered in 2023–2024 in Bắc Giang's communes of
the time, and learners who signed up after 1/7/2025 in communes of the new Tỉnh Bắc Ninh. Staff: the province
manager of the new Tỉnh Bắc Ninh, two district managers and a trainer still appointed to their districts of
2023 (retired since: they show in the admin's list of appointments to move), and a manager and a trainer of a
commune of today. The learning records, dated in their era, are written by courses' `seed_demo_learning`
(run at the end), which then moves the learners of 2023–2024 to today's communes as
`migrate_to_current_map` does. A user that exists already is left as it is, so a rerun changes nothing.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import LearnerProfile, Role, TargetGroup, User
from accounts.services import LearnerData, assign_role, save_learner_profile
from localities.models import Level, Locality

DEMO_PASSWORD = "demo-pass-2023"
PROVINCE_CODE = "24"  # Tỉnh Bắc Giang until 30/6/2025, the new Tỉnh Bắc Ninh since
LUC_NGAN, SON_DONG = "219", "220"
XA_SON_DONG, XA_LUC_NGAN, PHUONG_KINH_BAC = "07615", "07582", "09187"  # communes of today
APPOINTED_IN_2023 = datetime.date(2023, 1, 2)

# Units: ("2023", level, code) is the unit of the first era (codes are reused later); ("today", ...) the
# unit in force today.
STAFF = [
    ("admin", "Quản trị hệ thống", None, None),
    ("tinh", "Nguyễn Văn Tỉnh", Role.PROVINCE_MANAGER, ("today", Level.PROVINCE, PROVINCE_CODE)),
    ("lucngan", "Trần Thị Huyền", Role.DISTRICT_MANAGER, ("2023", Level.DISTRICT, LUC_NGAN)),
    ("giangvien", "Lê Văn Giảng", Role.TRAINER, ("2023", Level.DISTRICT, LUC_NGAN)),
    ("sondong", "Phạm Văn Đông", Role.DISTRICT_MANAGER, ("2023", Level.DISTRICT, SON_DONG)),
    ("xasondong", "Lý Thị Xuân", Role.DISTRICT_MANAGER, ("today", Level.COMMUNE, XA_SON_DONG)),
    ("giangvienxa", "Hà Văn Giáo", Role.TRAINER, ("today", Level.COMMUNE, XA_SON_DONG)),
]


@dataclass(frozen=True)
class DemoLearner:
    phone: str
    full_name: str
    group: str
    position: str
    registered: datetime.date
    district: str = ""  # a learner of 2023–2024: district of 2023 and the index of the commune in it
    commune_index: int = 0
    commune: str = ""  # a learner of today: the code of their current commune

    @property
    def of_first_era(self) -> bool:
        return bool(self.district)


LEARNERS = [
    DemoLearner("0912000001", "Hoàng Thị Lan", TargetGroup.A, "Công chức văn hoá - xã hội",
                datetime.date(2023, 3, 6), district=LUC_NGAN, commune_index=0),
    DemoLearner("0912000002", "Vi Văn Minh", TargetGroup.A, "Phụ trách đài truyền thanh xã",
                datetime.date(2023, 4, 10), district=SON_DONG, commune_index=1),
    DemoLearner("0912000003", "Nông Thị Hoa", TargetGroup.B, "Phó Chủ tịch Hội Phụ nữ xã",
                datetime.date(2023, 5, 15), district=LUC_NGAN, commune_index=2),
    DemoLearner("0912000004", "Đặng Văn Sơn", TargetGroup.B, "Bí thư Đoàn xã",
                datetime.date(2023, 6, 12), district=SON_DONG, commune_index=0),
    DemoLearner("0912000005", "Triệu Thị Mai", TargetGroup.A, "Công chức văn hoá - xã hội",
                datetime.date(2024, 2, 19), district=SON_DONG, commune_index=2),
    DemoLearner("0912000011", "Lương Văn Hùng", TargetGroup.A, "Công chức văn hoá - xã hội",
                datetime.date(2025, 8, 4), commune=XA_SON_DONG),
    DemoLearner("0912000012", "Ngô Thị Thu", TargetGroup.B, "Phó Bí thư Đoàn phường",
                datetime.date(2025, 9, 8), commune=PHUONG_KINH_BAC),
    DemoLearner("0912000013", "Chu Văn Khánh", TargetGroup.A, "Phụ trách đài truyền thanh xã",
                datetime.date(2025, 10, 6), commune=XA_LUC_NGAN),
]


def first_era():
    """Bắc Giang as of 2023: the units without a start date."""
    return Locality.objects.filter(valid_from__isnull=True)


def demo_commune(learner: DemoLearner) -> Locality:
    """Where the learner registered: a commune of 2023 for the first era, of today otherwise."""
    if learner.of_first_era:
        district = first_era().get(level=Level.DISTRICT, code=learner.district)
        return district.children.order_by("code")[learner.commune_index]
    return Locality.objects.current().get(level=Level.COMMUNE, code=learner.commune)


def at(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


class Command(BaseCommand):
    help = ("Create demo staff and learners of both maps (2023–2024 and since 1/7/2025) with learning records "
            "dated in their era; existing users are left alone (local only).")

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true")

    def handle(self, **options):
        if not settings.DEBUG and not options.get("force"):
            raise CommandError("seed_demo is for local development (DEBUG on); pass --force to override.")
        if not (first_era().filter(level=Level.DISTRICT, code=SON_DONG).exists()
                and Locality.objects.current().filter(level=Level.COMMUNE, code=XA_SON_DONG).exists()):
            raise CommandError("Load the demo map first: manage.py load_default_map")
        with transaction.atomic():
            self._staff()
            self._learners()
        self.stdout.write(self.style.SUCCESS(f"Demo users ready (password: {DEMO_PASSWORD})"))
        # The records live in courses (an app below accounts): that app's command writes them.
        call_command("seed_demo_learning", force=True, stdout=self.stdout, stderr=self.stderr)

    def _new_user(self, username, full_name, phone=None, **extra) -> User | None:
        """The user, created now; None when it exists already (a rerun leaves it as it is)."""
        user, created = User.objects.get_or_create(
            username=username, defaults={"full_name": full_name, "phone": phone, **extra})
        if not created:
            return None
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
        return user

    def _staff(self):
        for username, full_name, role, place in STAFF:
            if role is None:
                self._new_user(username, full_name, is_staff=True, is_superuser=True)
                continue
            user = self._new_user(username, full_name)
            if user is None:
                continue
            era, level, code = place
            if era == "2023":
                assign_role(user, role, first_era().get(level=level, code=code), on=APPOINTED_IN_2023)
            else:
                assign_role(user, role, Locality.objects.current().get(level=level, code=code))

    def _learners(self):
        for learner in LEARNERS:
            user = self._new_user(learner.phone, learner.full_name, phone=learner.phone)
            if user is None:
                continue
            commune = demo_commune(learner)
            save_learner_profile(user, LearnerData(learner.full_name, learner.phone, commune, learner.group,
                                                   learner.position, f"UBND {commune.name}"))
            # Registered on their day: the reports count registrations by the half-year of registration.
            User.objects.filter(pk=user.pk).update(date_joined=at(learner.registered))
            LearnerProfile.objects.filter(user=user).update(created_at=at(learner.registered))
