from django.contrib.auth.backends import ModelBackend
from django.db.models import Q

from lms.precompiled import Precompiled
from lms.sessions import joined_user

from .models import User
from .phone import normalize_phone

_USER_BY_ID = Precompiled(lambda user_id: User._default_manager.filter(pk=user_id), numbers=("user_id",))


def find_account(identifier: str) -> User | None:
    """The account a sign-in identifier names: a username (any case) or a phone (any spelling).

    The one lookup for sign-in and for the lockout (accounts.lockout), so both agree on who
    an identifier is.
    """
    identifier = identifier.strip()
    phone = normalize_phone(identifier)
    return User.objects.filter(Q(username__iexact=identifier) | Q(phone=phone)).order_by("pk").first()


class UsernameOrPhoneBackend(ModelBackend):
    """Sign in with a username or a phone number (in any common spelling)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or password is None:
            return None
        user = find_account(username)
        if user is None:
            User().set_password(password)  # same work as a real check: no timing hint
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    def user_can_authenticate(self, user):
        # Inactive accounts (waiting for approval, or disabled) authenticate so that the
        # login form can say why they cannot enter; the form refuses them.
        return True

    def get_user(self, user_id):
        """The signed-in user of a request: the one read with its session (lms/sessions.py) when it is that
        user, else by a query compiled once per process (Django's own `get()` spent ~0.4 ms building the SQL on
        every request, twenty times the query's run)."""
        try:
            user_id = int(user_id)
        except (TypeError, ValueError):
            return None
        user = joined_user(user_id) or next(iter(_USER_BY_ID.rows(user_id=user_id)), None)
        return user if user is not None and user.is_active else None
