from courses.exceptions import CoursesError


class CertificateError(CoursesError):
    """A refused certificate action; carries a translated message for the manager."""
