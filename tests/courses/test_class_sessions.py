"""Classes (#15 item 7): each session's hours are editable, a refused check-in says which cause it is (a wrong
code, or not in session hours), and a duplicate class (same title, unit and dates) is flagged."""

from datetime import date, datetime, time

import pytest
from django.urls import reverse
from django.utils import timezone

from courses.classes import services
from courses.classes.services import CheckInRefused, ClassError
from courses.models import Attendance, ClassSession, TrainingClass

from .class_builders import make_class


@pytest.fixture
def training_class(home_page, trainer, district):
    return make_class(home_page, trainer, district)


def at(day, hour, minute=0):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


@pytest.mark.django_db
def test_a_trainer_sets_one_sessions_hours_and_check_in_follows_them(client, trainer, training_class, learner):
    services.add_participants(trainer, training_class, [learner.pk])
    first, second = training_class.sessions.all()[:2]
    client.force_login(trainer)
    url = reverse("courses:class_session_hours", args=[training_class.pk, first.pk])
    assert client.post(url, {"starts_at": "13:30", "ends_at": "16:45"}).status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.starts_at, first.ends_at) == (time(13, 30), time(16, 45))
    assert (second.starts_at, second.ends_at) == (time(7, 30), time(17, 0))  # only that day
    with pytest.raises(CheckInRefused, match="từ 13:30 đến 16:45") as refused:
        services.check_in(learner, first.checkin_code, now=at(first.date, 9))
    assert refused.value.cause == "hours"
    assert services.check_in(learner, first.checkin_code, now=at(first.date, 14)).present


@pytest.mark.django_db
def test_hours_must_end_after_they_start_and_outsiders_cannot_change_them(client, trainer, outsider_manager,
                                                                          training_class):
    session = training_class.sessions.first()
    url = reverse("courses:class_session_hours", args=[training_class.pk, session.pk])
    client.force_login(trainer)
    client.post(url, {"starts_at": "11:00", "ends_at": "08:00"})
    client.force_login(outsider_manager)
    assert client.post(url, {"starts_at": "06:00", "ends_at": "22:00"}).status_code == 403
    session.refresh_from_db()
    assert (session.starts_at, session.ends_at) == (time(7, 30), time(17, 0))
    with pytest.raises(ClassError):
        services.set_session_hours(trainer, session, time(11, 0), time(8, 0))


@pytest.mark.django_db
def test_a_refused_check_in_says_which_cause(client, trainer, training_class, learner):
    services.add_participants(trainer, training_class, [learner.pk])
    first, second = training_class.sessions.all()[:2]
    with pytest.raises(CheckInRefused, match="không đúng") as wrong:
        services.check_in(learner, "ZZZZZZ", now=at(first.date, 9))
    assert wrong.value.cause == "code"
    with pytest.raises(CheckInRefused, match="trong giờ học") as early:
        services.check_in(learner, first.checkin_code, now=at(first.date, 6))
    assert early.value.cause == "hours"
    with pytest.raises(CheckInRefused, match=f"ngày {second.date:%d/%m/%Y}") as other_day:
        services.check_in(learner, second.checkin_code, now=at(first.date, 9))
    assert other_day.value.cause == "hours"
    client.force_login(learner)
    page = client.post(reverse("courses:class_check_in"), {"code": first.checkin_code}, follow=True)
    assert not Attendance.objects.exists()
    assert f"buổi học ngày {first.date:%d/%m/%Y}" in page.content.decode()  # the class is not on today


@pytest.mark.django_db
def test_another_classes_code_on_another_day_is_just_a_wrong_code(home_page, trainer, district, learner,
                                                                   training_class):
    other = make_class(home_page, trainer, district, title="Lớp khác", start=date(2026, 4, 6), end=date(2026, 4, 6),
                       program=training_class.program)
    code = other.sessions.get().checkin_code
    with pytest.raises(CheckInRefused) as refused:
        services.check_in(learner, code, now=at(date(2026, 3, 2), 9))
    assert refused.value.cause == "code"  # the learner is not in that class: its code tells nothing


def _form(training_class, **changes):
    data = {"title": training_class.title, "program": training_class.program_id,
            "organiser": training_class.organiser_id, "venue": "Nhà văn hoá", "start_date": "2026-03-02",
            "end_date": "2026-03-04", "capacity": 30, "target_group": "A", "funding_year": 2026,
            "attendance_threshold": 80, "starts_at": "08:00", "ends_at": "11:30"}
    data.update(changes)
    return data


@pytest.mark.django_db
def test_a_duplicate_class_is_flagged_and_created_only_when_confirmed(client, trainer, training_class):
    client.force_login(trainer)
    url = reverse("courses:class_create")
    response = client.post(url, _form(training_class, title="  lớp tập huấn  ĐÀI truyền thanh "))
    assert response.status_code == 200 and "Đã có lớp" in response.content.decode()
    assert TrainingClass.objects.count() == 1
    response = client.post(url, _form(training_class, confirm_duplicate="on"))
    assert response.status_code == 302
    created = TrainingClass.objects.exclude(pk=training_class.pk).get()
    assert {(s.starts_at, s.ends_at) for s in ClassSession.objects.filter(training_class=created)} == {
        (time(8, 0), time(11, 30))}
    detail = client.get(reverse("courses:class_detail", args=[created.pk])).content.decode()
    assert "Có thể trùng lớp" in detail and reverse("courses:class_detail", args=[training_class.pk]) in detail
    assert client.post(url, _form(training_class, start_date="2026-03-09", end_date="2026-03-10")).status_code == 302
