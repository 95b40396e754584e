"""Issue 15, items 3 and 4: statistics that fit and read right, and module quiz results that exist."""

import datetime

import pytest
from django.urls import reverse

from assessments import services as quiz_services
from assessments.services import PostedAnswer
from courses import services
from courses.models import ModulePage
from reports import selectors
from reports.charts import half_year_label, percent_text
from reports.forms import period_label
from reports.selectors import Filters, Structure

from ..assessments.builders import make_quiz, make_true_false
from . import test_stats_fixtures as fx
from .test_stats_fixtures import finish, learner_in

course, run = fx.course, fx.run  # fixtures


def test_numbers_read_in_vietnamese():
    assert percent_text(100) == "100,0\u00a0%" and percent_text(None) == "–"
    assert percent_text(66.666) == "66,7\u00a0%"
    assert half_year_label(datetime.date(2026, 7, 1)) == "6 tháng cuối 2026"
    assert half_year_label(datetime.date(2026, 1, 1)) == "6 tháng đầu 2026"
    assert period_label(Filters(start=datetime.date(2026, 7, 1), end=datetime.date(2026, 12, 31))) == \
        "6 tháng cuối 2026"
    assert period_label(Filters(start=datetime.date(2026, 1, 1), end=datetime.date(2026, 12, 31))) == "Năm 2026"


@pytest.mark.django_db
def test_the_page_has_a_fixed_unit_column_a_phone_list_and_bars_at_display_size(
        client, run, course, district, district_manager):
    commune = district.children.order_by("code").first()
    finish(run, learner_in(commune, 1), course)
    client.force_login(district_manager)
    for url in (reverse("reports_admin:statistics"), reverse("reports:statistics")):
        html = client.get(url, {"period": "all"}).content.decode()
        assert 'class="report-unit"' in html and "report-list report-narrow" in html
        assert "reports/statistics.css" in html
        assert "viewBox=\"0 0 320" not in html and "<progress" in html  # no stretched SVG: drawn by the browser
        assert "100,0\u00a0%" in html and "100.0%" not in html
        label = half_year_label(datetime.date.today().replace(day=1))
        assert html.count(label) >= 2  # the chart and the table name the half-year alike
        assert "m/Y" not in html and "/2026</td>" not in html


@pytest.mark.django_db
def test_module_quiz_results_count_attempted_passed_and_mean_best(client, run, course, district, district_manager):
    question = make_true_false(correct=True)
    quiz = make_quiz([question], title="Kiểm tra chuyên đề 1")
    first = course["modules"][0]
    ModulePage.objects.filter(pk=first.pk).update(quiz=quiz)
    commune = district.children.order_by("code").first()
    good, poor = learner_in(commune, 1), learner_in(commune, 2)
    for learner, answers in ((good, ["false", "true"]), (poor, ["false"])):
        run(services.enrol, learner, course["program"])
        for answer in answers:
            attempt = run(quiz_services.start_attempt, learner, quiz)
            run(quiz_services.save_answers, attempt, [PostedAnswer(question.pk, [answer])])
            run(quiz_services.submit_attempt, attempt)
    report = selectors.locality_report(district_manager, district, Filters(structure=Structure.AT_THE_TIME))
    [result] = report.quiz_results
    assert (result.module, result.attempted, result.passed) == (first.title, 2, 1)
    assert str(result.mean_best) == "50.0" and result.pass_rate_text == "50,0\u00a0%"
    # Outside the district nothing counts.
    other = selectors.locality_report(district_manager, commune.parent, Filters(
        start=datetime.date(2000, 1, 1), end=datetime.date(2000, 12, 31)))
    assert other.quiz_results[0].attempted == 0
    client.force_login(district_manager)
    html = client.get(reverse("reports_admin:statistics"), {"period": "all"}).content.decode()
    assert "Kết quả bài kiểm tra chuyên đề" in html and "1/2" in html and "50,0" in html
