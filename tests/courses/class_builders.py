from datetime import date

from accounts.models import TargetGroup
from courses.classes import services

from .builders import make_course


def make_class(home_page, organiser_user, organiser, start=date(2026, 3, 2), end=date(2026, 3, 4), **overrides):
    program = overrides.pop("program", None) or make_course(home_page)[0]
    fields = {"title": "Lớp tập huấn đài truyền thanh", "program": program, "organiser": organiser,
              "venue": "Hội trường UBND huyện", "start_date": start, "end_date": end, "capacity": 30,
              "target_group": TargetGroup.A, "funding_year": 2026, "attendance_threshold": 60}
    fields.update(overrides)
    return services.create_class(organiser_user, **fields)
