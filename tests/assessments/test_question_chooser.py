"""The quiz editor picks questions with a searchable chooser filtered by topic and type (#15 item 8)."""

import pytest
from django.urls import reverse

from assessments.models import EssayQuestion, Question

from .builders import make_essay, make_single, make_topic


@pytest.fixture
def bank(db):
    radio, bulletin = make_topic("Đài truyền thanh"), make_topic("Bản tin cơ sở")
    return {
        "radio_single": make_single(topic=radio, text="Đài truyền thanh xã do ai quản lý?"),
        "radio_essay": make_essay(topic=radio),
        "bulletin_single": make_single(topic=bulletin, text="Bản tin thông tin cơ sở ra mấy kỳ một tháng?"),
        "radio": radio, "bulletin": bulletin,
    }


def results(client, **query):
    response = client.get(reverse("question_chooser:choose_results"), query)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_the_quiz_editor_uses_the_question_chooser(client, trainer, bank):
    client.force_login(trainer)
    page = client.get(reverse("wagtailsnippets_assessments_quiz:add")).content.decode()
    assert reverse("question_chooser:choose") in page  # the chooser widget, not a <select> of the whole bank
    assert f'<option value="{bank["radio_single"].pk}"' not in page
    modal = client.get(reverse("question_chooser:choose"))
    assert modal.status_code == 200
    html = modal.json()["html"]
    for label in ("Chủ đề", "Loại câu hỏi", "Tự luận", "Bản tin cơ sở", 'id="id_q"'):
        assert label in html


@pytest.mark.django_db
def test_search_topic_and_type_filter_the_bank(client, trainer, bank):
    client.force_login(trainer)
    everything = results(client)
    assert all(bank[k].text[:30] in everything for k in ("radio_single", "radio_essay", "bulletin_single"))
    found = results(client, q="ai quản")
    assert bank["radio_single"].text in found and bank["bulletin_single"].text not in found
    by_topic = results(client, topic=bank["bulletin"].pk)
    assert bank["bulletin_single"].text in by_topic and bank["radio_single"].text not in by_topic
    by_kind = results(client, topic=bank["radio"].pk, kind="essayquestion")
    assert bank["radio_essay"].text[:30] in by_kind and bank["radio_single"].text not in by_kind


@pytest.mark.django_db
def test_choosing_returns_the_question(client, trainer, bank):
    client.force_login(trainer)
    chosen = client.get(reverse("question_chooser:chosen", args=[bank["radio_essay"].pk])).json()
    assert chosen["step"] == "chosen" and chosen["result"]["id"] == str(bank["radio_essay"].pk)
    assert isinstance(Question.objects.get(pk=bank["radio_essay"].pk), EssayQuestion)


@pytest.mark.django_db
def test_the_results_page_has_a_fixed_number_of_queries(client, trainer, bank, django_assert_max_num_queries):
    client.force_login(trainer)
    results(client)
    with django_assert_max_num_queries(20) as first:
        results(client)
    for i in range(15):
        make_single(topic=bank["radio"], text=f"Câu thêm {i}")
    with django_assert_max_num_queries(len(first.captured_queries)):
        results(client)


@pytest.mark.django_db
def test_learners_cannot_open_the_chooser(client, learner, bank):
    client.force_login(learner)
    assert client.get(reverse("question_chooser:choose_results")).status_code in (302, 403)
