"""Health endpoints, the error pages in Vietnamese, request ids in logs and on the tasks a request causes."""

import json
import logging

import pytest
from django.core.cache import cache
from django.test import Client

from lms import health
from lms.observability import JsonFormatter, RequestIdFilter, request_id_context
from outbox import services as outbox


def test_healthz_answers_without_the_database(client):
    """No `db` fixture: any database access would raise here."""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_healthz_answers_any_host_and_plain_http(settings):
    """A load balancer probes by IP over HTTP: no DisallowedHost, no redirect to HTTPS."""
    settings.SECURE_SSL_REDIRECT = True
    response = Client(HTTP_HOST="10.0.0.7:8001").get("/healthz")
    assert response.status_code == 200


@pytest.mark.django_db
def test_readyz_reports_each_part(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok", "broker": "eager"}}


@pytest.mark.django_db
def test_readyz_names_the_failing_broker_without_secrets(client, settings):
    """A broker nobody listens on, with a password in its URL: 503, the part named, the URL nowhere."""
    from celery import current_app

    secret_url = "redis://:s3cr3t-password@127.0.0.1:1/0"
    settings.CELERY_BROKER_URL = secret_url
    previous = current_app.conf.broker_url
    current_app.conf.broker_url = secret_url
    try:
        response = client.get("/readyz")
    finally:
        current_app.conf.broker_url = previous
    assert response.status_code == 503
    body = response.json()
    assert body == {"status": "error", "checks": {"database": "ok", "cache": "ok", "broker": "error"}}
    assert "s3cr3t" not in response.content.decode()


@pytest.mark.django_db
def test_readyz_names_a_failing_cache(client, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:1/0",
                                   "OPTIONS": {"socket_connect_timeout": 1}}}
    cache.close()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["cache"] == "error"
    assert response.json()["checks"]["database"] == "ok"


@pytest.mark.django_db
def test_404_page_in_vietnamese_in_the_site_layout(client):
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Không tìm thấy trang" in html
    assert 'class="top"' in html  # the site's header: the page extends base.html


@pytest.mark.django_db
@pytest.mark.urls("tests.deploy.error_urls")
def test_403_and_400_pages_in_vietnamese(client):
    forbidden = client.get("/test-forbidden/")
    assert forbidden.status_code == 403
    assert "Không có quyền truy cập" in forbidden.content.decode()
    bad = client.get("/test-suspicious/")
    assert bad.status_code == 400
    assert "Yêu cầu không hợp lệ" in bad.content.decode()


@pytest.mark.django_db
def test_csrf_failure_page_in_vietnamese():
    response = Client(enforce_csrf_checks=True).post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "Phiên làm việc đã hết hạn" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.urls("tests.deploy.error_urls")
def test_500_page_in_vietnamese_with_the_request_id(client):
    client.raise_request_exception = False
    response = client.get("/test-boom/", HTTP_X_REQUEST_ID="abc12345-req")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Lỗi hệ thống" in html
    assert "abc12345-req" in html
    assert response["X-Request-ID"] == "abc12345-req"


@pytest.mark.django_db
def test_english_visitor_gets_english_error_page(client):
    client.cookies["django_language"] = "en"
    response = client.get("/khong-co-trang-nay/")
    assert "Page not found" in response.content.decode()


def test_request_id_header_is_kept_when_sane_and_replaced_when_forged(client):
    assert client.get("/healthz", HTTP_X_REQUEST_ID="nginx-0123456789abcdef")["X-Request-ID"] == \
        "nginx-0123456789abcdef"
    forged = client.get("/healthz", HTTP_X_REQUEST_ID='x"}\n{"level":"CRITICAL')["X-Request-ID"]
    assert forged != 'x"}\n{"level":"CRITICAL' and len(forged) == 32


def test_json_log_line_carries_the_request_id():
    record = logging.LogRecord("lms.test", logging.WARNING, __file__, 1, "Xin chào %s", ("xã",), None)
    with request_id_context("req-12345678"):
        RequestIdFilter().filter(record)
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == "req-12345678"
    assert line["message"] == "Xin chào xã"
    assert line["level"] == "WARNING"


@pytest.mark.django_db(transaction=True)
def test_task_caused_by_a_request_logs_with_its_request_id(caplog):
    """The outbox row keeps the request id; the task's log lines carry it (eager here, a header on a worker)."""
    from celery import shared_task

    seen = {}

    @shared_task(name="tests.deploy.remember_request_id")
    def remember_request_id(value):
        from lms.observability import current_request_id

        seen[value] = current_request_id()
        logging.getLogger("tests.deploy").warning("task ran")

    from django.db import transaction

    with request_id_context("req-from-nginx-1"), transaction.atomic():
        message = outbox.enqueue("tests.deploy.remember_request_id", 7)
    message.refresh_from_db()
    assert message.sent_at is not None
    assert message.kwargs == {outbox.REQUEST_ID_KEY: "req-from-nginx-1"}
    assert seen == {7: "req-from-nginx-1"}


def test_readiness_lists_every_part():
    assert set(health.CHECKS) == {"database", "cache", "broker"}
