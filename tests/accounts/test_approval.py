import pytest
from django.urls import reverse

from accounts.models import User
from tests.conftest import make_learner


@pytest.fixture
def pending(commune):
    user = make_learner(commune, phone="0977000001")
    User.objects.filter(pk=user.pk).update(is_active=False, awaiting_approval=True)
    return user


@pytest.mark.django_db
def test_manager_approves_learner_in_scope(client, district_manager, pending):
    client.force_login(district_manager)
    listing = client.get(reverse("accounts_admin:pending"))
    assert pending.full_name in listing.content.decode()
    response = client.post(reverse("accounts_admin:approve", args=[pending.pk]))
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.is_active and not pending.awaiting_approval


@pytest.mark.django_db
def test_outsider_cannot_see_or_approve(client, outsider_manager, pending):
    client.force_login(outsider_manager)
    assert pending.full_name not in client.get(reverse("accounts_admin:pending")).content.decode()
    response = client.post(reverse("accounts_admin:approve", args=[pending.pk]))
    assert response.status_code == 403
    pending.refresh_from_db()
    assert not pending.is_active and pending.awaiting_approval


@pytest.mark.django_db
def test_approve_is_post_only(client, district_manager, pending):
    client.force_login(district_manager)
    assert client.get(reverse("accounts_admin:approve", args=[pending.pk])).status_code == 405
