"""Every public page carries a Content-Security-Policy that allows no inline script, and runs none.

The policy forbids inline scripts and styles on the site, so the pages must not need them: each
<script> loads a file from our origin, is a JSON data block, or carries the response's nonce;
no element has a style attribute or an inline event handler.
"""

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from assessments import services as quiz_services
from courses import services
from courses.models import Enrolment
from tests.assessments.builders import make_quiz, make_single
from tests.courses.builders import make_index, make_lesson, make_module, make_program
from tests.e2e.media import make_audio_document, make_image

HEADER = "Content-Security-Policy"


def directives(response) -> dict[str, list[str]]:
    policy = response[HEADER]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


class InlineCode(HTMLParser):
    """Collects what a strict policy would block: inline scripts without the nonce, style attributes,
    <style> elements and on* handlers."""

    def __init__(self, nonce):
        super().__init__()
        self.nonce, self.problems = nonce, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and not attrs.get("src") and attrs.get("type") != "application/json":
            if not self.nonce or attrs.get("nonce") != self.nonce:
                self.problems.append(f"inline <script> without the nonce: {attrs}")
        if tag == "style":
            self.problems.append("<style> element")
        for name in attrs:
            if name == "style" or name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…>")


def assert_strict_policy(response, label):
    assert response.status_code == 200, label
    assert HEADER in response, f"{label}: no {HEADER}"
    policy = directives(response)
    for name in ("script-src", "style-src"):
        assert "'unsafe-inline'" not in policy[name] and "'unsafe-eval'" not in policy[name], f"{label}: {name}"
    assert policy["default-src"] == ["'self'"] and policy["object-src"] == ["'none'"], label
    assert policy["frame-ancestors"] == ["'none'"] and policy["base-uri"] == ["'self'"], label
    assert policy["form-action"] == ["'self'"] and policy["img-src"] == ["'self'", "data:"], label
    nonce = next((re.sub(r"^'nonce-|'$", "", v) for v in policy["script-src"] if v.startswith("'nonce-")), None)
    parser = InlineCode(nonce)
    parser.feed(response.content.decode())
    assert not parser.problems, f"{label}: {parser.problems}"


@pytest.fixture
def site(home_page, learner):
    """A program the learner is enrolled in: module with a quiz, a text lesson and a video lesson."""
    index = make_index(home_page)
    program = make_program(index, code="CT1")
    quiz = make_quiz([make_single()])
    module = make_module(program, "m1", quiz=quiz)
    lesson = make_lesson(module, "l1")
    media = make_audio_document()
    media_lesson = make_lesson(module, "media", body=[
        {"type": "video", "value": {"title": "Phóng sự", "file": media.pk, "embed": None, "transcript": ""}},
        {"type": "audio", "value": {"title": "Bản tin", "file": media.pk, "duration": "", "transcript": ""}},
        {"type": "image", "value": {"image": make_image().pk, "caption": "Phòng phát thanh"}},
    ])
    services.enrol(learner, program)
    return {"index": index, "program": program, "module": module, "lesson": lesson, "media": media_lesson,
            "quiz": quiz}


@pytest.mark.django_db
def test_anonymous_pages_have_a_strict_policy(client, site, units):
    pages = {"home": "/", "programs": site["index"].url, "program": site["program"].url,
             "sign-in": reverse("login"), "sign-up": reverse("signup")}
    for label, url in pages.items():
        assert_strict_policy(client.get(url), label)


@pytest.mark.django_db
def test_learner_pages_have_a_strict_policy(client, site, learner):
    client.force_login(learner)
    attempt = quiz_services.start_attempt(learner, site["quiz"])
    assert Enrolment.objects.filter(user=learner).exists()
    pages = {
        "programs": site["index"].url, "program": site["program"].url, "module": site["module"].url,
        "lesson": site["lesson"].url, "media lesson": site["media"].url,
        "quiz": reverse("assessments:start", args=[site["quiz"].pk]),
        "attempt": reverse("assessments:attempt", args=[attempt.pk]),
        "my learning": reverse("courses:my_learning"),
        "classes check-in": reverse("courses:my_classes"),  # the check-in form (its action is POST only)
    }
    for label, url in pages.items():
        assert_strict_policy(client.get(url), label)


@pytest.mark.django_db
def test_a_nonce_is_sent_only_when_a_template_uses_it(client, site):
    response = client.get("/")
    assert "'nonce-" not in response[HEADER]


@pytest.mark.django_db
def test_wagtail_admin_gets_its_own_policy(client, site, trainer):
    client.force_login(trainer)
    response = client.get("/admin/")
    assert response.status_code == 200
    policy = directives(response)
    assert "'unsafe-inline'" in policy["script-src"]
    assert not any(value.startswith("'nonce-") for value in policy["script-src"])  # would void unsafe-inline
    assert policy["frame-ancestors"] == ["'self'"] and policy["object-src"] == ["'none'"]


@pytest.mark.django_db
def test_site_pages_still_refuse_inline_scripts_after_an_admin_visit(client, site, trainer):
    client.force_login(trainer)
    client.get("/admin/")
    assert "'unsafe-inline'" not in directives(client.get("/"))["script-src"]
