"""Quiz results as an XLSX workbook, one row per learner with commune and district."""

from itertools import chain

from django.utils.translation import gettext as _

from lms.spreadsheets import XLSX, Layout, to_bytes

from . import selectors


def results_workbook(user, quiz) -> bytes:
    headers = [_("Họ và tên"), _("Số điện thoại"), _("Xã, phường, thị trấn"), _("Huyện, thị xã, thành phố"),
               _("Số lần làm"), _("Điểm (%)"), _("Kết quả")]
    lines = (_result_line(row) for row in selectors.quiz_results(user, quiz))
    return to_bytes(XLSX, chain([headers], lines), Layout(sheet_name=_("Kết quả")))


def _result_line(row) -> list:
    commune = row["commune"]
    district = commune.parent if commune else None
    return [row["user"].get_full_name(), row["user"].phone or "", commune.name if commune else "",
            district.name if district else "", row["attempts"],
            float(row["percent"]) if row["percent"] is not None else None, _result_text(row)]


def _result_text(row) -> str:
    if row["passed"]:
        return _("Đạt")
    return _("Chờ chấm") if row["awaiting"] else _("Chưa đạt")
