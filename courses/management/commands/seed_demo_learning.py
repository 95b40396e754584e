"""The demo learners' records, dated in their era (local development only; `seed_demo` runs it).

Each step goes through the usual services (enrol, record progress, quiz attempts, completion, classes and
attendance) and then dates what it wrote to the day of the plan, so the demo reports show 2023, 2024 and the
second half of 2025. The learners of 2023–2024 are then moved to today's communes as `migrate_to_current_map`
does (they confirm their commune at their next sign-in); their records keep the units of their time.
A learner who has any enrolment already is left alone, so a rerun changes nothing.
"""

import datetime
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.management.commands.seed_demo import LEARNERS, SON_DONG, at, first_era
from accounts.models import LearnerProfile, User
from accounts.signals import learners_changed
from assessments import services as quizzes
from assessments.models import Answer, Attempt
from assessments.selectors import attempt_items
from courses import services as learning
from courses.classes import services as classes
from courses.models import (
    Attendance,
    Certificate,
    CertificateEvent,
    Enrolment,
    LessonPage,
    LessonProgress,
    ModuleCompletion,
    ModulePage,
    Participant,
    ProgramCompletion,
    ProgramPage,
    TrainingClass,
)
from localities.models import Level
from localities.selectors import default_successor_map

D = datetime.date


@dataclass(frozen=True)
class Plan:
    program: str  # program code
    enrolled: datetime.date | None  # None: enrolled by the class
    modules: tuple[datetime.date, ...] = ()  # one day per module finished (lessons done, quiz passed), in order
    started: datetime.date | None = None  # the next module's first lesson done that day


PLANS = {
    # 2023–2024, in Bắc Giang's communes of the time
    "0912000001": Plan("CT1", D(2023, 3, 10), (D(2023, 3, 24), D(2023, 4, 14))),
    "0912000002": Plan("CT2", D(2023, 9, 11), (D(2023, 10, 2),), started=D(2023, 11, 6)),
    "0912000003": Plan("CT1", D(2024, 1, 15), (D(2024, 2, 5), D(2024, 3, 11))),
    "0912000004": Plan("CT1", None, (D(2024, 10, 16), D(2024, 10, 17))),
    "0912000005": Plan("CT1", None, (D(2024, 10, 17),), started=D(2024, 11, 4)),
    # since 1/7/2025, in communes of the new Tỉnh Bắc Ninh
    "0912000011": Plan("CT1", D(2025, 8, 11), (D(2025, 8, 25), D(2025, 9, 15))),
    "0912000012": Plan("CT4", D(2025, 9, 15), (D(2025, 10, 6),), started=D(2025, 10, 20)),
    "0912000013": Plan("CT2", D(2025, 10, 13), started=D(2025, 10, 27)),
}

# A three-day class of Huyện Sơn Động in October 2024; its participants are enrolled in CT1 by it.
CLASS_TITLE = "Lớp bồi dưỡng kiến thức chung – Huyện Sơn Động 2024"
CLASS_DAYS = (D(2024, 10, 15), D(2024, 10, 17))
CLASS_PARTICIPANTS = ("0912000004", "0912000005", "0912000002")
ABSENT = {("0912000005", D(2024, 10, 17))}

# What the services stamp with the current time, and how each row reaches its learner.
DATED = [
    (Enrolment, "user_id", ("enrolled_at",)),
    (LessonProgress, "user_id", ("started_at", "updated_at", "completed_at")),
    (Attempt, "user_id", ("started_at", "submitted_at", "graded_at")),
    (Answer, "attempt_question__attempt__user_id", ("saved_at",)),
    (ModuleCompletion, "user_id", ("completed_at",)),
    (ProgramCompletion, "user_id", ("completed_at",)),
    (Certificate, "user_id", ("completed_at", "issued_at")),
    (CertificateEvent, "certificate__user_id", ("at",)),
    (Participant, "user_id", ("added_at",)),
    (Attendance, "participant__user_id", ("recorded_at",)),
]


@contextmanager
def dated(user_ids, day: datetime.date, hour: int = 9):
    """Whatever the block writes for these learners is dated `day` (the services stamp the current time)."""
    mark = timezone.now()
    yield
    when = at(day, hour)
    for model, lookup, fields in DATED:
        for name in fields:
            model.objects.filter(**{f"{lookup}__in": list(user_ids), f"{name}__gte": mark}).update(**{name: when})


class Command(BaseCommand):
    help = "Write the demo learners' records, dated in 2023–2024 and after 1/7/2025 (local only; run by seed_demo)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true")

    def handle(self, **options):
        if not settings.DEBUG and not options.get("force"):
            raise CommandError("seed_demo_learning is for local development (DEBUG on); pass --force to override.")
        programs = {p.code: p for p in ProgramPage.objects.live().filter(code__in={p.program for p in PLANS.values()})}
        if len(programs) < len({p.program for p in PLANS.values()}):
            self.stdout.write(self.style.WARNING("No curriculum: run load_curriculum, then seed_demo again."))
            return
        learners = self._learners_without_records()
        if not learners:
            self.stdout.write("Demo learning records: already there.")
            return
        with transaction.atomic():
            self._class(learners, programs["CT1"])
            for phone, user in learners.items():
                self._learn(user, PLANS[phone], programs[PLANS[phone].program])
            moved = self._move_to_current_map(learners)
        self.stdout.write(self.style.SUCCESS(
            f"Demo learning records: {len(learners)} learners; {moved} moved to today's communes"))

    def _learners_without_records(self) -> dict[str, User]:
        """The demo learners with no enrolment yet, each still in a commune of their era (a learner of 2023
        already moved to today's map gets no records: they would be dated before their commune existed)."""
        users = User.objects.filter(username__in=list(PLANS), learner_profile__isnull=False).exclude(
            pk__in=Enrolment.objects.values("user_id")).select_related("learner_profile__commune")
        by_phone = {user.username: user for user in users}
        return {learner.phone: by_phone[learner.phone] for learner in LEARNERS if learner.phone in by_phone
                and by_phone[learner.phone].learner_profile.commune.is_current != learner.of_first_era}

    def _class(self, learners: dict[str, User], program: ProgramPage) -> None:
        participants = [learners[phone] for phone in CLASS_PARTICIPANTS if phone in learners]
        if not participants or TrainingClass.objects.filter(title=CLASS_TITLE).exists():
            return
        organiser = first_era().get(level=Level.DISTRICT, code=SON_DONG)
        manager = User.objects.filter(username="sondong").first() or User.objects.filter(is_superuser=True).first()
        start, end = CLASS_DAYS
        training_class = classes.create_class(
            manager, title=CLASS_TITLE, program=program, organiser=organiser, venue="Hội trường UBND huyện Sơn Động",
            start_date=start, end_date=end, funding_year=start.year,
            modules=list(ModulePage.objects.live().child_of(program)))
        TrainingClass.objects.filter(pk=training_class.pk).update(created_at=at(start - datetime.timedelta(days=21)))
        ids = [user.pk for user in participants]
        with dated(ids, start, hour=7):
            classes.add_participants(manager, training_class, ids)
        for session in training_class.sessions.all():
            present = {p.pk for p in training_class.participants.select_related("user")
                       if (p.user.username, session.date) not in ABSENT}
            with dated(ids, session.date, hour=17):
                classes.save_attendance(manager, session, present)

    def _learn(self, user: User, plan: Plan, program: ProgramPage) -> None:
        if plan.enrolled:
            with dated([user.pk], plan.enrolled):
                learning.enrol(user, program)
        modules = list(ModulePage.objects.live().child_of(program).order_by("path"))
        for module, day in zip(modules, plan.modules, strict=False):
            with dated([user.pk], day, hour=20):
                self._finish_module(user, program, module)
        if program.final_quiz_id and modules and len(plan.modules) >= len(modules):
            # The final test (load_curriculum, courses/final_tests.py) completes the program, on the last day.
            with dated([user.pk], plan.modules[len(modules) - 1], hour=21):
                self._pass_quiz(user, program.final_quiz)
                learning.refresh_completion(user, program)
        if plan.started and len(plan.modules) < len(modules):
            lesson = LessonPage.objects.live().child_of(modules[len(plan.modules)]).order_by("path").first()
            with dated([user.pk], plan.started, hour=20):
                learning.record_progress(user, lesson, completed=True)
            self._credit_time(user, [lesson])

    def _finish_module(self, user: User, program: ProgramPage, module: ModulePage) -> None:
        lessons = list(LessonPage.objects.live().child_of(module).order_by("path"))
        for lesson in lessons:
            learning.record_progress(user, lesson, completed=True)
        self._credit_time(user, lessons)
        if module.quiz_id:
            self._pass_quiz(user, module.quiz)
        learning.refresh_completion(user, program)

    @staticmethod
    def _credit_time(user: User, lessons) -> None:
        # Read as studied at home on the day: the clock of record_progress credits no time to a seed.
        for lesson in lessons:
            LessonProgress.objects.filter(user=user, lesson=lesson, seconds_spent=0).update(
                seconds_spent=lesson.estimated_minutes * 60)

    @staticmethod
    def _pass_quiz(user: User, quiz) -> None:
        attempt = quizzes.start_attempt(user, quiz)
        answers = [quizzes.PostedAnswer(item.question.pk, [str(c.pk) for c in item.choices if c.is_correct][:1])
                   for item in attempt_items(attempt)]
        quizzes.save_answers(attempt, answers)
        quizzes.submit_attempt(attempt)

    @staticmethod
    def _move_to_current_map(learners: dict[str, User]) -> int:
        """The learners of 2023–2024 move to their commune's current default successor and confirm it at
        their next sign-in (the rule of migrate_to_current_map); their records keep the units of their time."""
        targets = default_successor_map()
        moved = 0
        profiles = LearnerProfile.objects.filter(user__in=list(learners.values()), commune__valid_to__isnull=False)
        touched = set()
        for profile in profiles:
            if profile.commune_id in targets:
                touched |= {profile.commune_id, targets[profile.commune_id]}
                profile.commune_before_reform_id, profile.commune_id = profile.commune_id, targets[profile.commune_id]
                profile.needs_commune_confirmation = True
                profile.save(update_fields=["commune", "commune_before_reform", "needs_commune_confirmation",
                                            "updated_at"])
                moved += 1
        learners_changed.send(sender=LearnerProfile, user_ids=[u.pk for u in learners.values()], commune_ids=touched)
        return moved
