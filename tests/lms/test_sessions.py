"""lms.sessions: a request reads its session and its user in one query (lms_session keeps the user's id in a
column), with Django's rules kept: expiry, the user id inside the session data, the password-hash check."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DjangoSessionStore
from django.contrib.sessions.models import Session as DjangoSession
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lms import sessions
from lms.models import Session
from tests.conftest import PASSWORD

MY_LEARNING = "courses:my_learning"


def test_the_default_session_store_is_the_joined_one():
    assert settings.SESSION_ENGINE == "lms.sessions"
    assert "lms.sessions.AuthenticationMiddleware" in settings.MIDDLEWARE
    assert "django.contrib.auth.middleware.AuthenticationMiddleware" not in settings.MIDDLEWARE


@pytest.mark.django_db
def test_a_signed_in_session_keeps_its_users_id_and_signing_out_clears_it(client, learner):
    client.post(reverse("login"), {"username": learner.username, "password": PASSWORD})
    assert list(Session.objects.values_list("user_id", flat=True)) == [learner.pk]
    client.post(reverse("logout"))
    assert not Session.objects.filter(user_id=learner.pk).exists()


@pytest.mark.django_db
def test_the_session_and_its_user_are_one_query(client, learner):
    client.force_login(learner)
    with CaptureQueriesContext(connection) as queries:
        request_user = client.get(reverse(MY_LEARNING)).context["user"]
        assert request_user.pk == learner.pk
    user_table = learner._meta.db_table
    reads = [q["sql"] for q in queries.captured_queries if f'FROM "{user_table}"' in q["sql"]
             or f'JOIN "{user_table}"' in q["sql"]]
    assert len([sql for sql in reads if "lms_session" in sql]) == 1
    assert not [sql for sql in reads if "lms_session" not in sql and f'"{user_table}"."password"' in sql]


@pytest.mark.django_db
def test_the_session_data_decides_who_is_signed_in_not_the_column(client, learner, outsider_learner):
    client.force_login(learner)
    Session.objects.update(user_id=outsider_learner.pk)  # a column out of step with the data
    assert client.get(reverse(MY_LEARNING)).context["user"].pk == learner.pk
    Session.objects.update(user_id=None)
    assert client.get(reverse(MY_LEARNING)).context["user"].pk == learner.pk


@pytest.mark.django_db
def test_a_changed_password_still_signs_the_old_session_out(client, learner):
    client.force_login(learner)
    learner.set_password("mat-khau-moi-rat-dai-456")
    learner.save()
    response = client.get(reverse(MY_LEARNING))
    assert response.status_code == 302 and reverse("login") in response["Location"]


@pytest.mark.django_db
def test_a_disabled_account_is_signed_out(client, learner):
    client.force_login(learner)
    learner.is_active = False
    learner.save()
    assert client.get(reverse(MY_LEARNING)).status_code == 302


@pytest.mark.django_db
def test_a_live_session_signs_the_learner_in_and_an_expired_one_does_not(client, learner):
    client.force_login(learner)
    assert client.get(reverse(MY_LEARNING)).status_code == 200
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    response = client.get(reverse(MY_LEARNING))
    assert response.status_code == 302 and reverse("login") in response["Location"]


@pytest.mark.django_db
def test_an_unknown_or_forged_session_key_is_a_visitor(client, learner):
    client.force_login(learner)
    client.cookies[settings.SESSION_COOKIE_NAME] = "x" * 32
    assert client.get(reverse(MY_LEARNING)).status_code == 302
    client.cookies[settings.SESSION_COOKIE_NAME] = "%' OR 1=1 --"
    assert client.get(reverse(MY_LEARNING)).status_code == 302


@pytest.mark.django_db
def test_the_joined_user_is_only_offered_while_a_request_asks_who_its_user_is(client, learner):
    client.force_login(learner)
    client.get(reverse(MY_LEARNING))
    assert sessions.joined_user(learner.pk) is None


@pytest.mark.django_db
def test_deleting_a_user_deletes_their_sessions(client, learner, outsider_learner):
    client.force_login(learner)
    client.force_login(outsider_learner)  # a second session (force_login replaces the client's cookie)
    learner.delete()
    assert list(Session.objects.values_list("user_id", flat=True)) == [outsider_learner.pk]


@pytest.mark.django_db
def test_the_cached_store_saves_the_users_id_too(learner):
    store = sessions.CachedSessionStore()
    store[SESSION_KEY] = str(learner.pk)
    store.save()
    assert Session.objects.get(session_key=store.session_key).user_id == learner.pk


@pytest.mark.django_db
def test_the_upgrade_copies_live_sessions_with_their_user_and_signs_no_one_out(client, learner):
    old = DjangoSessionStore()
    old[SESSION_KEY], old["_auth_user_backend"] = str(learner.pk), settings.AUTHENTICATION_BACKENDS[-1]
    old["_auth_user_hash"] = learner.get_session_auth_hash()
    old.create()
    expired = DjangoSessionStore()
    expired.create()
    DjangoSession.objects.filter(session_key=expired.session_key).update(
        expire_date=timezone.now() - datetime.timedelta(days=1))
    DjangoSession.objects.create(session_key="b" * 32, session_data="not signed",
                                 expire_date=timezone.now() + datetime.timedelta(days=1))
    migration = importlib.import_module("lms.migrations.0002_session_with_user")
    migration.copy_live_sessions(apps, None)
    assert dict(Session.objects.values_list("session_key", "user_id")) == {old.session_key: learner.pk,
                                                                          "b" * 32: None}
    client.cookies[settings.SESSION_COOKIE_NAME] = old.session_key
    assert client.get(reverse(MY_LEARNING)).context["user"].pk == learner.pk


@pytest.mark.django_db
def test_expired_sessions_are_cleared_daily(client, learner, settings):
    from lms.tasks import clear_expired_sessions

    assert settings.CELERY_BEAT_SCHEDULE["clear-expired-sessions"]["task"] == "lms.clear_expired_sessions"
    client.force_login(learner)
    live = Session.objects.get().session_key
    Session.objects.create(session_key="e" * 32, session_data="", user_id=learner.pk,
                           expire_date=timezone.now() - datetime.timedelta(minutes=1))
    assert clear_expired_sessions.delay().get() == 1
    assert list(Session.objects.values_list("session_key", flat=True)) == [live]
    assert client.get(reverse(MY_LEARNING)).status_code == 200
