"""Geometry of the server-rendered SVG bar charts (the numbers are also in the table beside them)."""

from dataclasses import dataclass

BAR_HEIGHT = 22
CHART_WIDTH = 320  # SVG user units; the SVG scales to the screen width
LABEL_WIDTH = 130  # units kept for the unit names on the left
BAR_AREA = 150  # units for the longest bar; the number is written after the bar


@dataclass
class Bar:
    label: str
    value: float
    text: str
    y: int
    width: float  # SVG units

    @property
    def text_x(self) -> float:
        return LABEL_WIDTH + self.width + 4


def rate_bars(report) -> list[Bar]:
    """Completion rate per child unit, on a 0–100 % scale."""
    bars = []
    for index, row in enumerate(report.rows):
        rate = row.figures.completion_rate
        value = float(rate) if rate is not None else 0.0
        bars.append(Bar(row.locality.name, value, f"{value:.1f}%" if rate is not None else "–",
                        index * BAR_HEIGHT, round(min(value, 100.0) * BAR_AREA / 100, 1)))
    return bars


def trend_bars(report) -> list[Bar]:
    """Completions per half-year, scaled to the busiest half-year."""
    peak = max((completed for _start, _enrolled, completed in report.trend), default=0) or 1
    return [Bar(f"{start.month // 7 + 1}/{start.year}", completed, str(completed), index * BAR_HEIGHT,
                round(completed * BAR_AREA / peak, 1))
            for index, (start, _enrolled, completed) in enumerate(report.trend)]


def height(bars) -> int:
    return max(len(bars), 1) * BAR_HEIGHT
