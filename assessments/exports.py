"""Quiz results as an XLSX workbook, one row per learner with commune and district."""

import io

from django.utils.translation import gettext as _

from . import selectors


def results_workbook(user, quiz) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Kết quả")
    sheet.append([_("Họ và tên"), _("Số điện thoại"), _("Xã, phường, thị trấn"), _("Huyện, thị xã, thành phố"),
                  _("Số lần làm"), _("Điểm (%)"), _("Kết quả")])
    for row in selectors.quiz_results(user, quiz):
        commune = row["commune"]
        district = commune.parent if commune else None
        sheet.append([row["user"].get_full_name(), row["user"].phone or "", commune.name if commune else "",
                      district.name if district else "", row["attempts"],
                      float(row["percent"]) if row["percent"] is not None else None, _result_text(row)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _result_text(row) -> str:
    if row["passed"]:
        return _("Đạt")
    return _("Chờ chấm") if row["awaiting"] else _("Chưa đạt")
