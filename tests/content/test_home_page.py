import pytest


@pytest.mark.django_db
def test_home_page_is_vietnamese_with_language_switch(client, home_page):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="vi">' in page
    assert "Đăng nhập" in page and "Bồi dưỡng thông tin cơ sở" in page
    assert 'action="/i18n/setlang/"' in page


@pytest.mark.django_db
def test_switching_to_english(client, home_page):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/").content.decode()
    assert '<html lang="en">' in page
    assert "Sign in" in page


@pytest.mark.django_db
def test_setup_is_idempotent(home_page):
    from content.models import HomePage
    from content.services import ensure_home_page

    assert ensure_home_page().pk == home_page.pk
    assert HomePage.objects.count() == 1
