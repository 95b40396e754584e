"""Database sessions that bring their user along (SESSION_STORE=db, the default).

Every signed-in request reads its session, then its user: two queries, each built by Django's ORM at more cost
than the database spends answering it. Here the session row (lms.models.Session) keeps the signed-in user's
id in a column of its own, and one query compiled once per process reads the session and, joined, that user.
Django's rules stay as they are: a session past its `expire_date` is not read; the user id inside the session
data decides who is signed in, and Django's own `auth.get_user` still checks the session's password hash; the
joined row is only used when its id is that id (`joined_user`), otherwise the user is read as before.
"""

import contextvars

from django.contrib import auth
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.middleware import AuthenticationMiddleware as DjangoAuthenticationMiddleware
from django.contrib.sessions.backends import cached_db, db
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from .models import Session
from .precompiled import Precompiled

_BY_KEY = Precompiled(lambda key: Session.objects.filter(session_key=key).select_related("user"), texts=("key",))
_SESSION_OF_REQUEST = contextvars.ContextVar("session_of_request", default=None)


def signed_in_user_id(data: dict) -> int | None:
    value = data.get(SESSION_KEY)
    return int(value) if str(value).isdigit() else None


class _UserColumn:
    """Sessions saved with their user's id in the column (both stores)."""

    @classmethod
    def get_model_class(cls):
        return Session

    def create_model_instance(self, data):
        session = super().create_model_instance(data)
        session.user_id = signed_in_user_id(data)
        return session


class SessionStore(_UserColumn, db.SessionStore):
    joined = None  # the row of the session's user column, read with the session (a user, None, or not read)

    def _get_session_from_db(self):
        session = next(iter(_BY_KEY.rows(key=self.session_key)), None)
        if session is not None and session.expire_date > timezone.now():
            self.joined = session.user
            return session
        self._session_key = None
        return None


class CachedSessionStore(_UserColumn, cached_db.SessionStore):
    """SESSION_STORE=cached_db (lms/cached_sessions.py): read through the shared cache, saved to lms_session."""


def joined_user(user_id: int):
    """The user read with the current request's session, if it is the user `user_id`; else None. Only set
    while `AuthenticationMiddleware` asks Django who the request's user is."""
    store = _SESSION_OF_REQUEST.get()
    user = getattr(store, "joined", None)
    return user if user is not None and user.pk == user_id else None


def _user_of(request):
    if not hasattr(request, "_cached_user"):
        token = _SESSION_OF_REQUEST.set(request.session)
        try:
            request._cached_user = auth.get_user(request)
        finally:
            _SESSION_OF_REQUEST.reset(token)
    return request._cached_user


class AuthenticationMiddleware(DjangoAuthenticationMiddleware):
    """Django's, with the request's user taken from its session's join when the two agree (`joined_user`)."""

    def process_request(self, request):
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: _user_of(request))
