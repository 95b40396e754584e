"""A learner who has completed a program, with the certificate work run on commit (eagerly)."""

from courses import services
from courses.models import Certificate

from ..courses.builders import make_course


def complete_program(learner, home_page, capture, code="CT9"):
    """Enrol and finish every lesson; returns (program, certificate) after the on-commit work ran."""
    program, _first, _second, lessons, later = make_course(home_page, lessons_per_module=1, code=code)
    with capture(execute=True):
        services.enrol(learner, program)
        for lesson in lessons + later:
            services.complete_lesson(learner, lesson)
    return program, Certificate.objects.filter(user=learner, program=program).first()
