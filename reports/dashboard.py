"""The staff landing place (issue 15, item 2): the Wagtail dashboard panel and the grouped admin menu.

The panel shows, for the user's scope: the figures at a glance (this half-year against the last, from the
statistics' summary tables), the work waiting for them (answers to mark, accounts to approve, pages to
moderate, classes this week) and links to every staff page. A fixed number of queries whatever the data size
(tests/reports/test_dashboard.py).

The menu groups the project's staff pages into three submenus, so that with Wagtail's own items the whole
menu fits the first screen at 1280×800 and every staff page is two clicks away.
"""

import datetime
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.admin.ui.components import Component

from accounts import access

from . import selectors
from .charts import half_year_label, number_text

SESSION_KEY = "staff_work_link"  # set at sign-in: the site header shows "Trang làm việc" without a query


def remember_staff_at_sign_in(sender, request, user, **kwargs) -> None:
    """Connected in ReportsConfig.ready(): the site's header reads the flag from the session."""
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = access.is_staff_member(user)


# Figures at a glance --------------------------------------------------------------------------

@dataclass
class Glance:
    label: str
    now: int
    before: int

    @property
    def now_text(self) -> str:
        return number_text(self.now)

    @property
    def before_text(self) -> str:
        return number_text(self.before)

    @property
    def change(self) -> int:
        return self.now - self.before


def _half_year_of(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    if day.month < 7:
        return datetime.date(day.year, 1, 1), datetime.date(day.year, 6, 30)
    return datetime.date(day.year, 7, 1), datetime.date(day.year, 12, 31)


def _half_years(today: datetime.date) -> tuple[tuple, tuple]:
    current = _half_year_of(today)
    return current, _half_year_of(current[0] - datetime.timedelta(days=1))


def glance(user, today: datetime.date | None = None) -> dict:
    """Registered (by the end of each half-year), learners who started and who completed, this half-year and
    the last, in the manager's widest unit, regrouped onto today's units."""
    today = today or timezone.localdate()
    current, previous = _half_years(today)
    parent = selectors.start_locality(user)
    totals = []
    for start, end in (current, previous):
        filters = selectors.Filters(start=start, end=end, structure=selectors.Structure.TODAY)
        totals.append(selectors.locality_report(user, parent, filters).totals)
    now, before = totals
    return {
        "area": parent.name if parent else _("Toàn quốc"),
        "current": half_year_label(current[0]), "previous": half_year_label(previous[0]),
        "figures": [Glance(_("Học viên đăng ký"), now.registered, before.registered),
                    Glance(_("Học viên bắt đầu học"), now.started, before.started),
                    Glance(_("Hoàn thành chương trình"), now.completed, before.completed)],
    }


# Work waiting ---------------------------------------------------------------------------------

@dataclass
class Waiting:
    label: str
    count: int
    url: str


def _week(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    monday = today - datetime.timedelta(days=today.weekday())
    return monday, monday + datetime.timedelta(days=6)


def waiting(user, is_manager: bool, today: datetime.date | None = None) -> list[Waiting]:
    from assessments.selectors import marking_queue
    from courses.admin_scope import moderation_states
    from courses.classes.selectors import classes_in_scope

    monday, sunday = _week(today or timezone.localdate())
    items = [Waiting(_("Bài cần chấm"), marking_queue(user).count(), reverse("assessments_admin:marking"))]
    if is_manager:
        pending = access.learners_in_scope(user, access.MANAGER_ROLES).filter(user__awaiting_approval=True)
        items.append(Waiting(_("Tài khoản chờ duyệt"), pending.count(), reverse("accounts_admin:pending")))
    items.append(Waiting(_("Trang chờ duyệt đăng"), moderation_states(user).count(),
                         reverse("wagtailadmin_home") + "#moderation"))
    this_week = classes_in_scope(user).filter(sessions__date__range=(monday, sunday)).distinct()
    items.append(Waiting(_("Lớp tập huấn trong tuần"), this_week.count(), reverse("courses:class_manage")))
    return items


# Links ------------------------------------------------------------------------------------------

# (label, url name, managers only): every staff page of the project, as the menu groups them.
GROUPS = [
    ("learners", _("Học viên và lớp"), "group", [
        (_("Lớp tập huấn"), "courses:class_manage", False),
        (_("Nhập danh sách học viên"), "accounts_admin:import", True),
        (_("Duyệt tài khoản"), "accounts_admin:pending", True),
        (_("Ghi danh hàng loạt"), "courses_admin:bulk_enrol", True),
        (_("Phân công ở đơn vị đã sắp xếp lại"), "accounts_retired_appointments", None),  # superusers
    ]),
    ("quizzes", _("Chấm bài"), "edit", [
        (_("Chấm bài"), "assessments_admin:marking", False),
        (_("Thêm câu hỏi"), "assessments_admin:new_question", False),
        (_("Nhập câu hỏi"), "assessments_admin:import", False),
        (_("Kết quả bài kiểm tra"), "assessments_admin:results", False),
    ]),
    ("figures", _("Thống kê"), "table", [
        (_("Thống kê học viên"), "reports_admin:statistics", True),
        (_("Thống kê lớp tập huấn"), "class_figures:classes", False),
        (_("Giấy chứng nhận"), "certificates:manage_list", True),
        (_("Báo cáo tác phẩm báo chí"), "press_report:report", True),
    ]),
]


def _url(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:  # an app left out of this installation
        return None


def _allowed(user, managers_only, is_manager: bool) -> bool:
    if managers_only is None:
        return user.is_superuser
    return is_manager or not managers_only


def links(user, is_manager: bool) -> list[tuple[str, list[tuple[str, str]]]]:
    return [(label, [(item, _url(name)) for item, name, managers_only in items
                     if _url(name) and _allowed(user, managers_only, is_manager)])
            for _key, label, _icon, items in GROUPS]


class StaffWorkPanel(Component):
    name = "staff_work"
    template_name = "reports/dashboard_panel.html"
    order = 10  # above Wagtail's own panels

    def get_context_data(self, parent_context):
        user = parent_context["request"].user
        context = super().get_context_data(parent_context)
        is_manager = access.is_manager(user)
        context.update({"waiting": waiting(user, is_manager), "links": links(user, is_manager),
                        "glance": glance(user) if is_manager else None})
        return context


def add_staff_work_panel(request, panels) -> None:
    if access.is_staff_member(request.user):
        panels.insert(0, StaffWorkPanel())


# The menu ---------------------------------------------------------------------------------------

class _GroupItem(MenuItem):
    def __init__(self, label, url, managers_only, **kwargs):
        super().__init__(label, url, **kwargs)
        self.managers_only = managers_only

    def is_shown(self, request):
        return access.is_staff_member(request.user) and _allowed(
            request.user, self.managers_only, access.is_manager(request.user))


def group_staff_menu(request, menu_items) -> None:
    """construct_main_menu: the apps' own top-level staff items give way to three submenus (listing every
    staff page, including those no app put in the menu, such as the certificates)."""
    grouped = {_url(name) for _key, _label, _icon, items in GROUPS for _item, name, _m in items}
    kept = [item for item in menu_items if getattr(item, "url", None) not in grouped]
    if len(kept) == len(menu_items) and not access.is_staff_member(request.user):
        return
    submenus = []
    for order, (key, label, icon, items) in enumerate(GROUPS):
        entries = [_GroupItem(item, _url(name), managers_only, name=f"{key}-{index}", order=index)
                   for index, (item, name, managers_only) in enumerate(items) if _url(name)]
        submenu = SubmenuMenuItem(label, Menu(items=entries), name=f"staff-{key}", icon_name=icon,
                                  order=300 + order)
        if submenu.is_shown(request):
            submenus.append(submenu)
    menu_items[:] = sorted([*kept, *submenus], key=lambda item: item.order)
