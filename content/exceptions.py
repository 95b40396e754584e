"""Domain errors of the content app; views turn them into 403s or translated messages."""


class ContentError(Exception):
    pass


class OutOfScope(ContentError):
    """The user may not change a record of this locality."""


class NotAllowed(ContentError):
    """The user's role does not allow this change (e.g. marking a work as featured)."""
