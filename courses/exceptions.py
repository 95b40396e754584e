class CoursesError(Exception):
    """Base of the domain errors; each carries a translated message for the user."""


class NotEnrolled(CoursesError):
    pass


class ModuleLocked(CoursesError):
    pass


class LessonNotVisible(CoursesError):
    pass


class InvalidProgress(CoursesError):
    """A progress report with impossible values (negative, not finite, out of range): nothing is stored."""


class CompletionRuleNotMet(CoursesError):
    """The lesson's completion rule is not met yet (e.g. its audio was not listened to the end)."""


class NotInTargetGroup(CoursesError):
    """The program is meant for another target group than the learner's."""
