"""The classes report as an XLSX sheet: per unit, classes, participants and person-times trained."""

from django.utils import timezone
from django.utils.translation import gettext as _

from lms.spreadsheets import XLSX, Layout, to_bytes


def report_xlsx(figures, year: int | None, organiser: str) -> bytes:
    lines = [
        [_("Kết quả tổ chức lớp bồi dưỡng, tập huấn")],
        [_("Năm kinh phí"), year or _("Tất cả")],
        [_("Đơn vị tổ chức"), organiser],
        [_("Mã"), _("Đơn vị"), _("Số lớp"), _("Số học viên"), _("Lượt người được tập huấn")],
        *([f.code, f.name, f.classes, f.participants, f.person_times_trained] for f in figures),
        ["", _("Tổng cộng"), sum(f.classes for f in figures), sum(f.participants for f in figures),
         sum(f.person_times_trained for f in figures)],
        [_("Lập lúc"), timezone.localtime().strftime("%H:%M %d/%m/%Y")],
    ]
    return to_bytes(XLSX, lines, Layout(sheet_name="Lop tap huan"))
