class AccountsError(Exception):
    """Base for domain errors of the accounts app; messages are already translated."""


class OutOfScope(AccountsError):
    pass


class AccountTaken(AccountsError):
    """A phone or e-mail already belongs to an account the actor may not write; the message says not whose."""


class NotALearner(AccountsError):
    pass


class UnitNotInForce(AccountsError):
    """An appointment to a unit that is not in force on the appointment day (retired by a reform, or not yet
    in force): staff are appointed to today's province and communes."""
