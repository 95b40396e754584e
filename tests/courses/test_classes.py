from datetime import date, datetime, time

import pytest
from django.urls import reverse
from django.utils import timezone

from courses.classes import selectors, services
from courses.classes.services import ClassError
from courses.models import Attendance, Enrolment, EnrolmentSource, Participant, TrainingClass
from lms.tabular import ImportRejected
from tests.conftest import learner_sheet, make_learner

from .class_builders import make_class


@pytest.fixture
def training_class(home_page, trainer, district):
    return make_class(home_page, trainer, district)


def at(day, hour):
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


@pytest.mark.django_db
def test_class_creates_one_session_per_day_with_codes(training_class):
    sessions = list(training_class.sessions.all())
    assert [s.date for s in sessions] == [date(2026, 3, 2), date(2026, 3, 3), date(2026, 3, 4)]
    assert all(len(s.checkin_code) == 6 for s in sessions)


@pytest.mark.django_db
@pytest.mark.parametrize("start,end,message", [
    (date(2026, 3, 5), date(2026, 3, 4), "Ngày kết thúc phải sau"),
    (date(2026, 3, 1), date(2026, 3, 6), "tối đa 5 ngày"),
])
def test_bad_dates_are_refused(home_page, trainer, district, start, end, message):
    with pytest.raises(ClassError, match=message):
        make_class(home_page, trainer, district, start=start, end=end)
    assert not TrainingClass.objects.exists()


@pytest.mark.django_db
def test_only_administrator_may_allow_longer_classes(home_page, trainer, district):
    from accounts.models import User

    from .builders import make_course

    program = make_course(home_page)[0]
    with pytest.raises(ClassError):
        make_class(home_page, trainer, district, start=date(2026, 3, 1), end=date(2026, 3, 8), allow_longer=True,
                   program=program)
    admin = User.objects.create_superuser("root", password="x")
    long_class = make_class(home_page, admin, district, start=date(2026, 3, 1), end=date(2026, 3, 8),
                            allow_longer=True, program=program)
    assert long_class.sessions.count() == 8


@pytest.mark.django_db
def test_cannot_organise_outside_scope(home_page, trainer, other_district):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        make_class(home_page, trainer, other_district)


@pytest.mark.django_db
def test_invite_enrols_in_program_and_respects_capacity(trainer, training_class, commune, outsider_learner):
    learners = [make_learner(commune, phone=f"09300000{i:02d}") for i in range(3)]
    training_class.capacity = 2
    training_class.save()
    with pytest.raises(ClassError, match="chỉ còn 2 chỗ"):
        services.add_participants(trainer, training_class, [u.pk for u in learners])
    assert not Participant.objects.exists()
    assert services.add_participants(trainer, training_class, [learners[0].pk, learners[1].pk]) == 2
    assert services.add_participants(trainer, training_class, [learners[0].pk]) == 0  # already in: no-op
    enrolment = Enrolment.objects.get(user=learners[0])
    assert enrolment.program_id == training_class.program_id and enrolment.source == EnrolmentSource.CLASS
    with pytest.raises(ClassError, match="không thuộc địa bàn"):
        services.add_participants(trainer, training_class, [outsider_learner.pk])




@pytest.mark.django_db
def test_roster_import_matches_phone_and_reports_bad_rows(trainer, training_class, commune, learner):
    bad = learner_sheet([["Mới", "0931000001", commune.code, "A", "", ""], ["Sai", "abc", commune.code, "A", "", ""]])
    with pytest.raises(ImportRejected) as raised:
        services.import_roster(trainer, training_class, bad, "roster.xlsx")
    assert [e.line for e in raised.value.errors] == [3]
    assert not Participant.objects.exists()
    good = learner_sheet([["Mới", "0931000001", commune.code, "A", "", ""],
                        [learner.full_name, learner.phone, commune.code, "A", "", ""]])
    assert services.import_roster(trainer, training_class, good, "roster.xlsx") == 2
    assert set(Participant.objects.values_list("user__phone", flat=True)) == {"0931000001", learner.phone}


@pytest.mark.django_db
def test_check_in_only_inside_session_window_and_once(trainer, training_class, learner, outsider_learner):
    services.add_participants(trainer, training_class, [learner.pk])
    session = training_class.sessions.first()
    with pytest.raises(ClassError):
        services.check_in(learner, session.checkin_code, now=at(session.date, 6))   # before 07:30
    with pytest.raises(ClassError):
        services.check_in(learner, session.checkin_code, now=at(date(2026, 3, 3), 9))  # wrong day
    attendance = services.check_in(learner, session.checkin_code.lower(), now=at(session.date, 9))
    assert attendance.present and attendance.session == session
    with pytest.raises(ClassError, match="đã điểm danh"):
        services.check_in(learner, session.checkin_code, now=at(session.date, 10))
    with pytest.raises(ClassError, match="không có tên"):
        services.check_in(outsider_learner, session.checkin_code, now=at(session.date, 9))
    assert Attendance.objects.count() == 1


@pytest.mark.django_db
def test_attendance_threshold_decides_trained(client, trainer, training_class, commune):
    regular, absent = make_learner(commune, phone="0932000001"), make_learner(commune, phone="0932000002")
    services.add_participants(trainer, training_class, [regular.pk, absent.pk])
    regular_row = Participant.objects.get(user=regular)
    sessions = list(training_class.sessions.all())
    client.force_login(trainer)
    for session in sessions[:2]:  # 2 of 3 days = 67% ≥ 60%
        url = reverse("courses:class_attendance", args=[training_class.pk, session.pk])
        client.post(url, {"present": [regular_row.pk]})
        client.post(url, {"present": [regular_row.pk]})  # double tap: still one row each
    assert Attendance.objects.count() == 4
    sheet = selectors.class_sheet(training_class)
    trained = {row.participant.user_id: row.trained for row in sheet["rows"]}
    assert trained == {regular.pk: True, absent.pk: False}


@pytest.mark.django_db
def test_outsider_cannot_see_or_change_a_class(client, outsider_manager, learner, training_class, other_commune):
    session = training_class.sessions.first()
    client.force_login(outsider_manager)
    for name, args in [("class_detail", [training_class.pk]),
                       ("class_attendance", [training_class.pk, session.pk]),
                       ("class_qr", [training_class.pk, session.pk])]:
        assert client.get(reverse(f"courses:{name}", args=args)).status_code == 403, name
    for name in ("class_invite", "class_walk_in"):
        assert client.post(reverse(f"courses:{name}", args=[training_class.pk]),
                           {"learners": [learner.pk], "phone": learner.phone}).status_code == 403
    assert client.post(reverse("courses:class_attendance", args=[training_class.pk, session.pk]),
                       {"present": []}).status_code == 403
    assert not Participant.objects.exists() and not Attendance.objects.exists()
    assert training_class.title not in client.get(reverse("courses:class_manage")).content.decode()
    client.force_login(learner)
    assert client.get(reverse("courses:class_manage")).status_code == 403


@pytest.mark.django_db
def test_learner_sees_own_classes_and_checks_in_by_form(client, trainer, training_class, learner):
    services.add_participants(trainer, training_class, [learner.pk])
    client.force_login(learner)
    page = client.get(reverse("courses:my_classes")).content.decode()
    assert training_class.title in page
    response = client.post(reverse("courses:class_check_in"), {"code": "ZZZZZZ"}, follow=True)
    assert "Mã điểm danh không đúng" in response.content.decode()
    assert not Attendance.objects.exists()


@pytest.mark.django_db
def test_class_pages_render_for_staff(client, trainer, training_class, learner):
    services.add_participants(trainer, training_class, [learner.pk])
    client.force_login(trainer)
    session = training_class.sessions.first()
    for url in [reverse("courses:class_manage"), reverse("courses:class_create"),
                reverse("courses:class_detail", args=[training_class.pk]),
                reverse("courses:class_attendance", args=[training_class.pk, session.pk])]:
        assert client.get(url).status_code == 200, url
    # The class figures moved into reports: the old address leads a trainer to the class figures of their scope.
    assert client.get(reverse("courses:class_report"))["Location"] == reverse("class_figures:classes")
    assert client.get(reverse("courses:class_qr", args=[training_class.pk, session.pk]))["Content-Type"] == \
        "image/svg+xml"
