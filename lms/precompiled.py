"""A queryset's SQL built once per process and run again with other values (plumbing: imports no app).

The learner pages (and every signed-in request, for its user) run a handful of queries whose building
(resolving lookups, joins and annotations over the thirty-odd columns of a Wagtail page) cost more Python than
the database spends answering them. A `Precompiled` query is written with the ORM as usual, with markers in
place of the values that change; its SQL and parameters are taken once, and each call substitutes the values
and runs it through `Model.objects.raw` (same columns, same converters, annotations become attributes). Only
for querysets whose shape does not depend on the values.
"""

from django.db import connection

_INT_BASE = 2_147_000_000  # integer markers: values no depth takes, inside a 32-bit column's range


def text(name: str) -> str:
    return f"\x00{name}\x00"


def number(index: int) -> int:
    return _INT_BASE + index


class Precompiled:
    def __init__(self, build, texts=(), numbers=()):
        """`build(texts..., numbers...)` returns the queryset, given `text(name)` for each name of `texts` and
        `number(i)` for each of `numbers`, in that order."""
        self._build, self._texts, self._numbers = build, tuple(texts), tuple(numbers)
        self._compiled = None

    def _compile(self):
        queryset = self._build(*(text(name) for name in self._texts),
                               *(number(i) for i, _name in enumerate(self._numbers)))
        sql, params = queryset.query.sql_with_params()
        return queryset.model, sql, params

    def raw(self, **values):
        if self._compiled is None:
            self._compiled = self._compile()
        model, sql, params = self._compiled
        return model.objects.raw(sql, [self._value(param, values) for param in params])

    def _value(self, param, values):
        numbered = isinstance(param, int) and not isinstance(param, bool)
        if numbered and _INT_BASE <= param < _INT_BASE + len(self._numbers):
            return values[self._numbers[param - _INT_BASE]]
        if isinstance(param, str) and "\x00" in param:
            for name in self._texts:
                marker, escaped = text(name), connection.ops.prep_for_like_query(text(name))
                if param == marker:
                    return values[name]
                if escaped in param:  # a LIKE pattern (startswith): escape the value as Django did the marker
                    return param.replace(escaped, connection.ops.prep_for_like_query(values[name]))
        return param
