"""The counters of the statistics, declared once.

`PeriodCounts` names what a period row counts for one unit × program × target group × half-year. Everything
else derives from it: the stored rows take one column per counter (`reports.models.PeriodCounts`, the abstract
model of the commune rows and both rollups), the summaries accumulate it in memory (`reports.summaries`,
`reports.services`), and a report's `Figures` (`reports.selectors`) holds its period sums beside the figures
counted elsewhere (`counters(...)` below). A counter added here becomes a column (with its migration), is
summed by the accumulators and shown as a report figure; what counts it is `summaries.period_counts`.
"""

from dataclasses import astuple, dataclass, field, fields, make_dataclass
from decimal import Decimal


class Counters:
    """Field-wise sums of a dataclass whose fields are all counters."""

    def add(self, other) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class PeriodCounts(Counters):
    # Events, each counted in the half-year of its date: a period's figure is their sum over its half-years.
    enrolled: int = 0
    started: int = 0
    completed: int = 0
    passed: int = 0
    certified: int = 0
    score_sum: Decimal = Decimal("0")
    score_count: int = 0
    # Open enrolments (not completed, not unenrolled) last seen (activity, else enrolment) in this
    # half-year: "inactive (30 days)" sums the half-years before the cutoff's and counts the rest live.
    open_last_seen: int = 0

    def values(self) -> tuple:
        return astuple(self)


# Every counter of a period row, in its declared order (the order of `values()` and of the stored columns).
PERIOD_FIELDS = tuple(counter.name for counter in fields(PeriodCounts))
# The counters a report sums over a period's half-years (open_last_seen feeds "inactive" instead).
PERIOD_SUMS = tuple(name for name in PERIOD_FIELDS if name != "open_last_seen")
# A counter's type: that of PeriodCounts (the score sum is a Decimal), else a plain count.
_TYPES = {counter.name: counter.type for counter in fields(PeriodCounts)}


def counters(class_name: str, names: tuple[str, ...]) -> type:
    """A dataclass of counters named `names`, in that order, each starting at zero and typed as in
    PeriodCounts (any other name is an int), with Counters.add."""
    return make_dataclass(class_name, [(name, _TYPES.get(name, int), field(default=_TYPES.get(name, int)()))
                                       for name in names], bases=(Counters,))
