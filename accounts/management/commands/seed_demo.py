"""Demo users for local development only. The passwords are public: never run this in production."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import Role, TargetGroup, User
from accounts.services import LearnerData, assign_role, save_learner_profile
from localities.models import Level, Locality

DEMO_PASSWORD = "demo-pass-2023"
PROVINCE_CODE, DISTRICTS = "24", ("219", "220")  # Lục Ngạn, Sơn Động
STAFF = [
    ("admin", "Quản trị hệ thống", None, None),
    ("tinh", "Nguyễn Văn Tỉnh", Role.PROVINCE_MANAGER, PROVINCE_CODE),
    ("lucngan", "Trần Thị Huyền", Role.DISTRICT_MANAGER, "219"),
    ("giangvien", "Lê Văn Giảng", Role.TRAINER, "219"),
    ("sondong", "Phạm Văn Đông", Role.DISTRICT_MANAGER, "220"),
]
LEARNERS = [
    ("0912000001", "Hoàng Thị Lan", 0, TargetGroup.A, "Công chức văn hoá - xã hội"),
    ("0912000002", "Vi Văn Minh", 1, TargetGroup.A, "Phụ trách đài truyền thanh xã"),
    ("0912000003", "Nông Thị Hoa", 2, TargetGroup.B, "Phó Chủ tịch Hội Phụ nữ xã"),
    ("0912000004", "Đặng Văn Sơn", 0, TargetGroup.B, "Bí thư Đoàn xã"),
]


# The demo users live in Bắc Giang as of 2023 (the units without a start date); codes are reused later.
FIRST_ERA = Locality.objects.filter(valid_from__isnull=True)


class Command(BaseCommand):
    help = "Create one demo user per role and a few learners in two districts (idempotent; local only)."

    def handle(self, **options):
        if not settings.DEBUG and not options.get("force"):
            raise CommandError("seed_demo is for local development (DEBUG on); pass --force to override.")
        if not Locality.objects.filter(level=Level.PROVINCE, code=PROVINCE_CODE).exists():
            raise CommandError("Load the units first: manage.py import_localities")
        with transaction.atomic():
            self._staff()
            self._learners()
        self.stdout.write(self.style.SUCCESS(f"Demo users ready (password: {DEMO_PASSWORD})"))

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true")

    def _user(self, username, full_name, phone=None, **extra):
        user, created = User.objects.get_or_create(
            username=username, defaults={"full_name": full_name, "phone": phone, **extra})
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        return user

    def _staff(self):
        for username, full_name, role, code in STAFF:
            if role is None:
                self._user(username, full_name, is_staff=True, is_superuser=True)
                continue
            level = Level.PROVINCE if code == PROVINCE_CODE else Level.DISTRICT
            assign_role(self._user(username, full_name), role, FIRST_ERA.get(level=level, code=code))

    def _learners(self):
        for index, (phone, full_name, commune_index, group, position) in enumerate(LEARNERS):
            district = FIRST_ERA.get(level=Level.DISTRICT, code=DISTRICTS[index % 2])
            commune = district.children.order_by("code")[commune_index]
            user = self._user(phone, full_name, phone=phone)
            save_learner_profile(user, LearnerData(full_name, phone, commune, group, position,
                                                   f"UBND {commune.name}"))
