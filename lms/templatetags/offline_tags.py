"""The words offline.js shows (translated here, handed to the script as a JSON data block: CSP allows
no inline script, and a data block is not one)."""

from django import template
from django.urls import reverse
from django.utils.html import json_script
from django.utils.translation import gettext as _

register = template.Library()


def _texts() -> dict:
    return {
        "offline": _("Bạn đang ngoại tuyến. Các bài đã tải về vẫn học được."),
        "pending": _("%(count)s mục đang chờ đồng bộ khi có mạng."),
        "syncedProgress": _("Đã đồng bộ %(count)s mục tiến độ học."),
        "savedOffline": _("Đã ghi lại là học xong bài này. Sẽ đồng bộ khi có mạng."),
        "sizing": _("Đang tính dung lượng…"),
        "size": _("Dung lượng cần tải: %(size)s MB (bài học, ảnh, âm thanh)."),
        "metered": _("Bạn đang dùng mạng di động hoặc mạng chậm. Chuyên đề có %(size)s MB âm thanh, video: "
                     "nên tải khi có Wi-Fi."),
        "download": _("Tải về"),
        "cancel": _("Huỷ"),
        "progress": _("Đang tải %(done)s/%(total)s tệp…"),
        "done": _("Đã tải về %(size)s MB. Bạn học được chuyên đề này khi không có mạng."),
        "failed": _("Tải về chưa xong (mất mạng?). Hãy thử lại."),
        "already": _("Đã tải về máy (%(size)s MB). Bấm để tải lại bản mới."),
        "noSupport": _("Trình duyệt này không hỗ trợ học ngoại tuyến. Hãy dùng Chrome hoặc Firefox mới."),
        "none": _("Chưa tải chuyên đề nào về máy."),
        "remove": _("Xoá khỏi máy"),
        "removed": _("Đã xoá “%(title)s” khỏi máy."),
        "quiz": _("Làm bài kiểm tra ngoại tuyến"),
        "downloadedAt": _("Tải lúc %(at)s"),
        "results": _("Kết quả đồng bộ bài kiểm tra"),
        "usage": _("Dung lượng đang dùng trên máy: %(size)s MB."),
        "notDownloaded": _("Bài kiểm tra này chưa được tải về máy. Hãy tải chuyên đề khi có mạng."),
        "question": _("Câu %(n)s (%(points)s điểm)"),
        "true": _("Đúng"),
        "false": _("Sai"),
        "answer": _("Câu trả lời"),
        "rank": _("Chọn thứ tự cho từng mục (1 là đầu tiên)."),
        "fileOnline": _("Câu này cần nộp tệp, chỉ làm được khi có mạng."),
        "start": _("Bắt đầu làm bài"),
        "intro": _("%(count)s câu hỏi. Thời gian: %(minutes)s phút, tính từ lúc bắt đầu."),
        "noLimit": _("%(count)s câu hỏi. Không giới hạn thời gian."),
        "submit": _("Nộp bài"),
        "queued": _("Bài làm đã lưu trên máy và sẽ được gửi, chấm khi có mạng."),
        "submitted": _("Bài làm bằng đề này đã nộp. Tải lại chuyên đề để làm lần khác."),
        "left": _("Còn lại %(time)s"),
        "timeUp": _("Hết giờ: bài làm được nộp với các câu đã trả lời."),
    }


@register.simple_tag
def offline_config():
    """Rendered inside base.html's `{% once "head" %}` block: built once per language and process there."""
    return json_script({"texts": _texts(), "progressUrl": reverse("courses:progress_event"),
                        "attemptUrl": reverse("assessments:offline_attempt"),
                        "downloadsUrl": reverse("courses:offline_downloads")}, "lms-offline")
