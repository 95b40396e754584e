"""Django's database sessions, read by a query compiled once per process (SESSION_STORE=db, the default).

Every signed-in request reads its session first; Django's `get()` spent more time building that query than
the database spent answering it. Same rows, same expiry rule: a session past its `expire_date` is not read,
and the request goes on without one.
"""

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.utils import timezone

from .precompiled import Precompiled

_BY_KEY = Precompiled(lambda key: Session.objects.filter(session_key=key), texts=("key",))


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        session = next(iter(_BY_KEY.rows(key=self.session_key)), None)
        if session is not None and session.expire_date > timezone.now():
            return session
        self._session_key = None
        return None
