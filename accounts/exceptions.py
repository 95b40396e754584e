class AccountsError(Exception):
    """Base for domain errors of the accounts app; messages are already translated."""


class OutOfScope(AccountsError):
    pass
