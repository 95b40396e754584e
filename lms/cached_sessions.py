"""SESSION_ENGINE for SESSION_STORE=cached_db: Django's cached database sessions, saved to lms_session with
their user's id (lms/sessions.py)."""

from .sessions import CachedSessionStore as SessionStore

__all__ = ["SessionStore"]
