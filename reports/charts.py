"""The statistics charts and how their numbers read (issue 15, item 3).

Bars are HTML `<progress>` elements in a list, not a scaled SVG: the browser draws them at the size they are
shown, so a label is as large on a 1280 px screen as on a phone and nothing is clipped; they need no script and
no inline style (the site's CSP), and a screen reader reads label, bar and number. Every number is written in
the Vietnamese format ("100,0 %", "1.234") and a half-year is named the same way in the chart and the table
("6 tháng cuối 2026").
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _


def number_text(value) -> str:
    return number_format(value, decimal_pos=0, use_l10n=True, force_grouping=True)


def percent_text(value: Decimal | float | None) -> str:
    """"100,0 %" (a no-break space keeps the sign with its number); "–" when there is no rate."""
    if value is None:
        return "–"
    return _one_decimal(value) + "\u00a0%"


def _one_decimal(value) -> str:
    # Rounded here: Django's number_format cuts extra digits off (66.66 would read "66,6").
    rounded = Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return number_format(rounded, decimal_pos=1, use_l10n=True, force_grouping=True)


def score_text(value: Decimal | None) -> str:
    if value is None:
        return "–"
    return _one_decimal(value)


def half_year_label(start: datetime.date) -> str:
    if start.month < 7:
        return _("6 tháng đầu %(year)s") % {"year": start.year}
    return _("6 tháng cuối %(year)s") % {"year": start.year}


@dataclass
class Bar:
    label: str
    value: float  # the bar's length on a scale of `scale`
    scale: float
    text: str


def rate_bars(report) -> list[Bar]:
    """Completion rate per child unit, on a 0–100 % scale."""
    bars = []
    for row in report.rows:
        if row.own:
            continue
        rate = row.figures.completion_rate
        bars.append(Bar(row.locality.name, float(min(rate, 100)) if rate is not None else 0.0, 100.0,
                        percent_text(rate)))
    return bars


@dataclass
class TrendRow:
    label: str
    enrolled: int
    completed: int
    scale: int

    @property
    def enrolled_text(self) -> str:
        return number_text(self.enrolled)

    @property
    def completed_text(self) -> str:
        return number_text(self.completed)


def trend_rows(report) -> list[TrendRow]:
    """Enrolments and completions per half-year, both bars on the scale of the busiest half-year."""
    peak = max((max(enrolled, completed) for _start, enrolled, completed in report.trend), default=0) or 1
    return [TrendRow(half_year_label(start), enrolled, completed, peak)
            for start, enrolled, completed in report.trend]
