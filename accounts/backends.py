from django.contrib.auth.backends import ModelBackend
from django.db.models import Q

from .models import User
from .phone import normalize_phone


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
        user = super().get_user(user_id)
        return user if user is not None and user.is_active else None
