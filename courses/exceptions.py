class CoursesError(Exception):
    """Base of the domain errors; each carries a translated message for the user."""


class NotEnrolled(CoursesError):
    pass


class ModuleLocked(CoursesError):
    pass


class LessonNotVisible(CoursesError):
    pass
