"""What the node tests share: the people and the quiz with a file question, with passwords the nodes'
real settings can check."""

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from accounts.models import User
from assessments import services as assessment_services
from courses import services as course_services

from ..assessments.builders import make_file_question, make_quiz
from ..conftest import PASSWORD
from ..reports.test_stats_fixtures import course  # noqa: F401 - fixture


@pytest.fixture
def world(learner, district_manager, trainer, district, course):  # noqa: F811
    # The test settings hash with MD5 (fast); the nodes run the real settings, which know PBKDF2 only.
    hashed = PBKDF2PasswordHasher().encode(PASSWORD, "two-nodes-salt", iterations=1000)
    User.objects.filter(pk__in=[learner.pk, district_manager.pk, trainer.pk]).update(password=hashed)
    course_services.enrol(learner, course["program"])
    question = make_file_question()
    attempt = assessment_services.start_attempt(learner, make_quiz([question]))
    return {"learner": learner, "manager": district_manager, "trainer": trainer, "district": district,
            "question": question, "attempt": attempt}
