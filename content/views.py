"""Public pages: the press-work list and page, the materials library and its downloads."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import render

from . import selectors
from .forms import MaterialFilterForm, WorkFilterForm

PAGE_SIZE = 20


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _querystring_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def work_list(request):
    form = WorkFilterForm(request.GET or None)
    page = _page(request, selectors.published_works(form.filters()))
    return render(request, "content/work_list.html", {
        "form": form, "page_obj": page, "querystring": _querystring_without_page(request),
        "thumbnail_spec": selectors.THUMBNAIL_SPEC})


def work_detail(request, pk):
    work = selectors.get_published_work(pk)
    return render(request, "content/work_detail.html", {"work": work, **selectors.broadcast_summary(work)})


@login_required
def material_list(request):
    form = MaterialFilterForm(request.GET or None)
    materials = selectors.filter_materials(selectors.visible_materials(request.user), form.filters())
    return render(request, "content/material_list.html", {
        "form": form, "page_obj": _page(request, materials),
        "querystring": _querystring_without_page(request)})


@login_required
def material_download(request, pk):
    material = selectors.get_material_for_download(request.user, pk)
    return FileResponse(material.file.open("rb"), as_attachment=True,
                        filename=material.original_name or material.file.name.rsplit("/", 1)[-1])
