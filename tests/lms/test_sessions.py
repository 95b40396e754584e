"""lms.sessions: Django's database sessions read by a precompiled query, with Django's expiry rule."""

import datetime

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone


def test_the_default_session_store_is_the_precompiled_one():
    assert settings.SESSION_ENGINE == "lms.sessions"


@pytest.mark.django_db
def test_a_live_session_signs_the_learner_in_and_an_expired_one_does_not(client, learner):
    client.force_login(learner)
    my_learning = reverse("courses:my_learning")
    assert client.get(my_learning).status_code == 200
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    response = client.get(my_learning)
    assert response.status_code == 302 and reverse("login") in response["Location"]


@pytest.mark.django_db
def test_an_unknown_or_forged_session_key_is_a_visitor(client, learner):
    client.force_login(learner)
    client.cookies[settings.SESSION_COOKIE_NAME] = "x" * 32
    assert client.get(reverse("courses:my_learning")).status_code == 302
    client.cookies[settings.SESSION_COOKIE_NAME] = "%' OR 1=1 --"
    assert client.get(reverse("courses:my_learning")).status_code == 302
