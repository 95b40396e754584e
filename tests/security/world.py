"""The world the scope matrix runs in: one of each scoped object, all in Lục Ngạn (219).

The personas are those of tests/conftest.py (same names, same units): in district 219 a learner (who owns the
enrolment, the attempts and the certificate), a trainer and a district manager; in Sơn Động (220) an outsider
manager, an outsider trainer and an outsider learner; a province manager over Bắc Giang. Built once per test
module (see conftest.py); every object a URL needs is an attribute of `World`, so a matrix entry names it.
"""

from dataclasses import dataclass, field
from datetime import date

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.utils import timezone

from accounts.models import Role, User
from assessments import services as quiz_services
from assessments.models import Answer
from content.services import ensure_home_page
from courses import services as course_services
from courses.classes import services as class_services
from courses.permissions import grant_trainer_permissions
from courses.practice import services as practice_services
from localities.management.commands.import_localities import DEFAULT_FILE
from localities.models import Level, Locality
from localities.services import import_units
from reports.models import ExportJob, ExportStatus

from ..assessments.builders import make_essay, make_quiz, make_single
from ..certificates.builders import complete_program
from ..conftest import make_learner, make_staff
from ..courses.builders import make_index, make_lesson, make_module, make_program
from ..courses.class_builders import make_class
from ..reports.builders import make_material, make_work

# Strings that only the world's own people and the staff of its unit may read. A page that answers an
# outsider with 200 must not contain any of them (see test_scope_matrix.test_no_private_data_for_outsiders).
LEARNER_NAME = "Nguyễn Thị Riêngtư"
LEARNER_PHONE = "0987000001"
PENDING_NAME, PENDING_PHONE = "Trần Văn Chờduyệt", "0977000001"
CLASS_TITLE = "Lớp kín Lục Ngạn"
MATERIAL_TITLE = "Tài liệu riêng Lục Ngạn"
LESSON_TITLE = "Bài riêng Lục Ngạn"
ESSAY_TEXT = "Bài luận riêng của học viên"
PRACTICE_TEXT = "Bài thực hành riêng của học viên"
PRACTICE_TASK = "task-matrix"


@dataclass
class World:
    people: dict = field(default_factory=dict)
    objects: dict = field(default_factory=dict)

    def __getattr__(self, name):
        for group in ("objects", "people"):
            if name in self.__dict__[group]:
                return self.__dict__[group][name]
        raise AttributeError(name)

    @property
    def private_markers(self) -> list[str]:
        return [LEARNER_NAME, LEARNER_PHONE, PENDING_NAME, PENDING_PHONE, CLASS_TITLE, MATERIAL_TITLE, LESSON_TITLE,
                ESSAY_TEXT, PRACTICE_TEXT]


def _units():
    if not Locality.objects.exists():
        import_units(DEFAULT_FILE.read_bytes(), DEFAULT_FILE.name)
    province = Locality.objects.get(level=Level.PROVINCE, code="24")
    district = Locality.objects.get(level=Level.DISTRICT, code="219")
    other = Locality.objects.get(level=Level.DISTRICT, code="220")
    return province, district, other


def _people(province, district, other) -> dict:
    communes = list(district.children.order_by("code")[:2])
    return {
        "learner": make_learner(communes[0], phone=LEARNER_PHONE, full_name=LEARNER_NAME),
        "outsider_learner": make_learner(other.children.order_by("code").first(), phone="0987000009",
                                         full_name="Người Ngoài"),
        "trainer": make_staff("trainer", Role.TRAINER, district),
        "district_manager": make_staff("manager", Role.DISTRICT_MANAGER, district),
        "outsider_manager": make_staff("outsider", Role.DISTRICT_MANAGER, other),
        "outsider_trainer": make_staff("outsider_trainer", Role.TRAINER, other),
        "province_manager": make_staff("province", Role.PROVINCE_MANAGER, province),
        "pending": _pending(communes[1]),
    }


def _pending(commune) -> User:
    user = make_learner(commune, phone=PENDING_PHONE, full_name=PENDING_NAME)
    User.objects.filter(pk=user.pk).update(is_active=False, awaiting_approval=True)
    return user


def _learning(home_page, people, district) -> dict:
    """A program with a module, a lesson and a quiz; the learner enrolled, one graded and one open attempt."""
    learner = people["learner"]
    essay = make_essay()
    quiz = make_quiz([make_single(), essay], title="Kiểm tra ma trận", attempts_allowed=0)
    index = make_index(home_page)
    grant_trainer_permissions(index)
    program = make_program(index, code="CT7")
    module = make_module(program, "mm1", quiz=quiz)
    # A local lesson of Lục Ngạn, written by its trainer: 404 for learners elsewhere, hidden from other districts.
    lesson = make_lesson(module, "ml1", title=LESSON_TITLE, local_unit=district, owner=people["trainer"],
                         body=[{"type": "practice", "id": PRACTICE_TASK,
                                "value": {"instructions": "<p>Ghi âm bản tin</p>", "submission": "Tệp"}}])
    enrolment = course_services.enrol(learner, program)
    practice = practice_services.submit(learner, lesson, PRACTICE_TASK, text=PRACTICE_TEXT,
                                        upload=SimpleUploadedFile("ban-tin.pdf", b"%PDF-1.4\n%%EOF\n"))
    done = quiz_services.start_attempt(learner, quiz)
    quiz_services.save_answers(done, [quiz_services.PostedAnswer(essay.pk, [ESSAY_TEXT])])
    quiz_services.submit_attempt(done)
    attempt = quiz_services.start_attempt(learner, quiz)
    answer = Answer.objects.get(attempt_question__attempt=done, attempt_question__question_id=essay.pk)
    return {"program": program, "module": module, "lesson": lesson, "lesson_path": lesson.url.lstrip("/"),
            "quiz": quiz, "question": essay,
            "enrolment": enrolment, "done_attempt": done, "attempt": attempt, "essay_answer": answer,
            "practice": practice}


def _export_job(manager, district) -> ExportJob:
    job = ExportJob.objects.create(requested_by=manager, locality=district, status=ExportStatus.DONE,
                                   progress=100, finished_at=timezone.now())
    job.file.save("hoc-vien-ma-tran.csv", ContentFile(b"ho_ten\n"), save=True)
    return job


def build_world() -> World:
    province, district, other = _units()
    people = _people(province, district, other)
    home_page = ensure_home_page()
    world = World(people=people)
    objects = world.objects
    objects.update(province=province, district=district, other_district=other,
                   commune=people["learner"].learner_profile.commune, pending=people["pending"])
    with TestCase.captureOnCommitCallbacks(execute=True):
        objects.update(_learning(home_page, people, district))
    _program, certificate = complete_program(people["learner"], home_page, TestCase.captureOnCommitCallbacks,
                                             code="CT8")
    objects["certificate"] = certificate
    klass = make_class(home_page, people["trainer"], district, program=objects["program"], title=CLASS_TITLE,
                       start=date(2026, 3, 2), end=date(2026, 3, 3))
    class_services.add_participants(people["trainer"], klass, [people["learner"].pk])
    objects.update(training_class=klass, session=klass.sessions.order_by("date").first())
    objects["export_job"] = _export_job(people["district_manager"], district)
    objects["press_work"] = make_work(district, title="Tác phẩm Lục Ngạn")
    objects["material"] = make_material(district, title=MATERIAL_TITLE)
    return world
