"""Wagtail admin views for trainers: type picker, marking, import, results export, item analysis, regrade."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import access
from lms.access_views import forbidden_as_403
from lms.tabular import ImportRejected

from . import describing, exporting, exports, forms, importing, selectors, services
from . import item_analysis as analysis
from .exceptions import AssessmentError, InvalidMark, OutOfScope
from .models import QUESTION_TYPES, Question, Quiz

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require_staff(user):
    if not access.is_staff_member(user):
        raise PermissionDenied


@forbidden_as_403
def question_type_picker(request):
    _require_staff(request.user)
    kinds = [(model.kind_label, reverse(f"wagtailsnippets_assessments_{model._meta.model_name}:add"))
             for model in QUESTION_TYPES]
    return render(request, "assessments/admin/type_picker.html", {"kinds": kinds})


@forbidden_as_403
def marking_queue(request):
    _require_staff(request.user)
    return render(request, "assessments/admin/marking_queue.html",
                  {"answers": selectors.marking_queue(request.user)[:200],
                   "other_items": services.other_marking_items(request.user)})


@forbidden_as_403
def mark(request, answer_id):
    _require_staff(request.user)
    try:
        answer = selectors.answer_for_marker(request.user, answer_id)
    except OutOfScope as error:
        raise PermissionDenied(str(error)) from error
    aq = answer.attempt_question
    form = forms.MarkForm(request.POST or None, max_points=aq.max_points)
    if request.method == "POST" and form.is_valid():
        try:
            services.mark_answer(request.user, answer.pk, form.cleaned_data["points"], form.cleaned_data["feedback"])
        except InvalidMark as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Đã chấm điểm."))
            return redirect("assessments_admin:marking")
    question = selectors.specific_questions([aq.question_id])[0][aq.question_id]
    # The rest of the attempt, every type readable, so the marker sees the learner's whole work.
    others = describing.attempt_rows(selectors.attempt_items(aq.attempt), leave_out=aq.pk)
    return render(request, "assessments/admin/mark.html",
                  {"answer": answer, "question": question, "form": form, "others": others},
                  status=400 if form.errors else 200)


@forbidden_as_403
def import_questions(request):
    _require_staff(request.user)
    form = forms.ImportForm(request.POST or None, request.FILES or None, user=request.user)
    context = {"form": form, "columns": importing.TEMPLATE_COLUMNS}
    if request.method == "POST" and form.is_valid():
        upload, quiz = form.cleaned_data["file"], form.cleaned_data["quiz"]
        try:
            specs = _parse(upload, form.cleaned_data["topic"])
            context["report"] = services.import_bank(specs, form.cleaned_data["allow_duplicates"], quiz=quiz)
            context["quiz"] = quiz
        except ImportRejected as rejected:
            context["errors"] = rejected.errors
    return render(request, "assessments/admin/import.html", context)


def _parse(upload, default_topic):
    data, name = upload.read(), upload.name.lower()
    if name.endswith(".xlsx"):
        return importing.parse_table(data, upload.name)
    if name.endswith(".xml"):
        return importing.parse_moodle_xml(data, default_topic or _("Chưa phân loại"))
    return importing.parse_gift(data, default_topic or _("Chưa phân loại"))


@forbidden_as_403
def export_bank(request):
    """The bank (or one topic) as GIFT or Moodle XML, for another Moodle site or another province."""
    _require_staff(request.user)
    form = forms.ExportForm(request.GET or None)
    if not form.is_valid():
        return render(request, "assessments/admin/export.html", {"form": form})
    topic, fmt = form.cleaned_data["topic"], form.cleaned_data["format"]
    questions = Question.objects.non_polymorphic().filter(**({"topic": topic} if topic else {}))
    text, left_out = exporting.export(questions, fmt)
    response = HttpResponse(text, content_type="application/xml" if fmt == "xml" else "text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="cau-hoi.{"xml" if fmt == "xml" else "gift"}"'
    response["X-Left-Out"] = str(len(left_out))  # ordering and file questions GIFT cannot carry
    return response


@forbidden_as_403
def import_template(request):
    _require_staff(request.user)
    response = HttpResponse(importing.template_workbook(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="mau-nhap-cau-hoi.xlsx"'
    return response


@forbidden_as_403
def results_index(request):
    _require_staff(request.user)
    return render(request, "assessments/admin/results_index.html",
                  {"quizzes": Quiz.objects.order_by("-created_at")[:200]})


@forbidden_as_403
def export_results(request, quiz_id):
    _require_staff(request.user)
    quiz = get_object_or_404(Quiz, pk=quiz_id)
    response = HttpResponse(exports.results_workbook(request.user, quiz), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="ket-qua-{quiz.pk}.xlsx"'
    return response


@forbidden_as_403
def regrade(request, question_id):
    _require_staff(request.user)
    question = get_object_or_404(Question.objects.non_polymorphic(), pk=question_id)
    form = forms.RegradeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        return _do_regrade(request, question, form.cleaned_data["reason"])
    in_scope, out_of_scope = selectors.regrade_reach(request.user, question.pk)
    return render(request, "assessments/admin/regrade.html", {"question": question, "form": form,
                                                              "in_scope": in_scope, "out_of_scope": out_of_scope})


def _do_regrade(request, question, reason):
    try:
        changed = services.regrade_question(question.pk, request.user, reason)
    except AssessmentError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Đã chấm lại; %(count)s lượt làm bài thay đổi điểm.") % {"count": changed})
    return redirect("assessments_admin:regrade", question_id=question.pk)


REASON_LABELS = {
    "negative": gettext_lazy("Độ phân biệt âm: học viên điểm cao lại làm sai câu này nhiều hơn"),
    "low": gettext_lazy("Độ phân biệt thấp: câu hỏi không tách được người nắm bài với người chưa nắm"),
    "easy": gettext_lazy("Quá dễ: gần như ai cũng đúng"),
    "hard": gettext_lazy("Quá khó: rất ít người đúng; xem lại đáp án và cách hỏi"),
    "unchosen": gettext_lazy("Có phương án sai không ai chọn: phương án đó không hợp lý"),
}


EXCLUDED_LABELS = {
    analysis.EXCLUDED_MARKED: gettext_lazy("Giảng viên chấm tay (tự luận, nộp tệp): điểm là nhận định của người "
                                           "chấm, không có phương án để thống kê"),
    analysis.EXCLUDED_DESCRIPTION: gettext_lazy("Đoạn mô tả: không có câu trả lời, không tính điểm"),
}


@forbidden_as_403
def item_analysis(request, quiz_id):
    """Per-question statistics of a quiz over one unit in the staff member's scope; questions to review first."""
    _require_staff(request.user)
    quiz = get_object_or_404(Quiz, pk=quiz_id)
    unit_id = request.GET.get("unit") or request.POST.get("unit")
    unit = analysis.require_unit(request.user, int(unit_id) if unit_id and unit_id.isdigit() else None)
    if request.method == "POST":
        analysis.request_analysis(quiz.pk, unit.pk if unit else None)
        messages.success(request, _("Đang tính lại; tải lại trang sau ít phút để xem kết quả."))
        query = f"?unit={unit.pk}" if unit else ""
        return redirect(reverse("assessments_admin:item_analysis", args=[quiz.pk]) + query)
    stored = quiz.item_analyses.filter(unit=unit).first()
    rows = stored.items if stored else []
    items = [{**item, "reason_labels": [REASON_LABELS[r] for r in item["reasons"]]}
             for item in rows if not item.get("excluded")]
    excluded = [{**item, "reason_label": EXCLUDED_LABELS[item["excluded"]]} for item in rows if item.get("excluded")]
    return render(request, "assessments/admin/item_analysis.html", {
        "quiz": quiz, "unit": unit, "units": analysis.units_for(request.user), "analysis": stored, "items": items,
        "excluded": excluded,
    })
