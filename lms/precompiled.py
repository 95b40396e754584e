"""A queryset's SQL built once per process and run again with other values (plumbing: imports no app).

The learner pages (and every signed-in request, for its user) run a handful of queries whose building
(resolving lookups, joins and annotations over the thirty-odd columns of a Wagtail page) cost more Python than
the database spends answering them. A `Precompiled` query is written with the ORM as usual, with markers in
place of the values that change; its SQL and parameters are taken once. Each call substitutes the values, runs
the SQL on a cursor and turns the rows into model instances as `Model.objects.raw` would (same columns, same
converters, annotations become attributes), with the columns' fields and converters also resolved once, not
on every call as a `RawQuerySet` does. Only for querysets whose shape does not depend on the values. A
`select_related` one level deep is read too: each related row becomes its own instance, kept on the field as
Django's iterator keeps it (None for an empty outer join).
"""

import weakref

from django.db import DEFAULT_DB_ALIAS, connections

_INT_BASE = 2_147_000_000  # integer markers: values no depth takes, inside a 32-bit column's range


def text(name: str) -> str:
    return f"\x00{name}\x00"


def number(index: int) -> int:
    return _INT_BASE + index


class Precompiled:
    def __init__(self, build, texts=(), numbers=(), around=None, lead=0):
        """`build(texts..., numbers...)` returns the queryset, given `text(name)` for each name of `texts` and
        `number(i)` for each of `numbers`, in that order. `around(sql)`, if given, puts the queryset's SQL inside
        a statement of its own, whose rows are `lead` columns of its own followed by the queryset's (NULLs on a
        row that has no instance), and whose own placeholders come after the queryset's (`rows_around`)."""
        self._build, self._texts, self._numbers = build, tuple(texts), tuple(numbers)
        self._around, self.lead = around, lead
        self._compiled = None
        self._readers = weakref.WeakKeyDictionary()  # per connection: converters are bound to its operations

    def _compile(self):
        queryset = self._build(*(text(name) for name in self._texts),
                               *(number(i) for i, _name in enumerate(self._numbers)))
        compiler = queryset.query.get_compiler(DEFAULT_DB_ALIAS)
        sql, params = compiler.as_sql()
        if self._around is not None:
            sql = self._around(sql)
        related = []
        for info in (compiler.klass_info or {}).get("related_klass_infos", ()):
            if info["related_klass_infos"] or info["reverse"]:
                raise ValueError("a precompiled query reads select_related one level deep, forward only")
            related.append((info["field"], info["select_fields"]))
        return queryset.model, sql, params, related

    def rows(self, **values) -> list:
        """The queryset's rows for these values, as model instances."""
        rows, reader = self._read(values, own=())
        return [reader.instance(row) for row in rows]

    def rows_around(self, own: list, **values) -> list[tuple[tuple, object]]:
        """The statement built by `around`, `own` the values of its own placeholders: each row's own columns and
        its instance of the queryset's model, or None where the row has none."""
        rows, reader = self._read(values, own)
        lead, pk = self.lead, reader.pk_position
        return [(row[:lead], None if row[pk] is None else reader.instance(row)) for row in rows]

    def _read(self, values, own):
        """The rows and the reader of this connection (made at the first run, from the columns it returned)."""
        connection = connections[DEFAULT_DB_ALIAS]
        reader = self._readers.get(connection)
        model, rows, columns = self._run(values, connection, with_columns=reader is None, own=own)
        if reader is None:
            reader = self._readers[connection] = self._reader(model, columns, connection)
        return rows, reader

    def _reader(self, model, columns, connection):
        lead = self.lead
        related = [(field, [lead + p for p in positions]) for field, positions in self._compiled[3]]
        taken = {position for _field, positions in related for position in positions}
        reader = _RowReader(model, columns, connection, [p for p in range(lead, len(columns)) if p not in taken])
        reader.related = [(field, _RowReader(field.related_model, columns, connection, positions))
                          for field, positions in related]
        return reader

    def tuples(self, **values) -> list[tuple]:
        """The rows as the database driver gives them, with no converters: for a `values_list` of plain columns
        (numbers, text; a boolean is 0 or 1 on SQLite), where building model instances would be wasted."""
        return self._run(values, connections[DEFAULT_DB_ALIAS], with_columns=False)[1]

    def _run(self, values, connection, with_columns: bool, own=()):
        if self._compiled is None:
            self._compiled = self._compile()
        model, sql, params, _related = self._compiled
        params = [self._value(param, values, connection) for param in params] + list(own)
        rows, columns = _execute(connection, sql, params, with_columns)
        return model, rows, columns

    def _value(self, param, values, connection):
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


class PrecompiledSQL:
    """A statement written in SQL (an INSERT … RETURNING, say) whose rows are `model`'s columns: its text built
    once per connection by `build(connection)`, its rows read as `Precompiled.rows` reads them."""

    def __init__(self, model, build):
        self._model, self._build = model, build
        self._known = weakref.WeakKeyDictionary()  # per connection: (sql, reader once the columns are known)

    def rows(self, params: list) -> list:
        connection = connections[DEFAULT_DB_ALIAS]
        sql, reader = self._known.get(connection) or (self._build(connection), None)
        rows, columns = _execute(connection, sql, params, with_columns=reader is None)
        if reader is None:
            reader = _RowReader(self._model, columns, connection, list(range(len(columns))))
            self._known[connection] = (sql, reader)
        return [reader.instance(row) for row in rows]


def _execute(connection, sql: str, params: list, with_columns: bool) -> tuple[list[tuple], list[str] | None]:
    """The statement's rows as the driver gives them, and its column names when asked: only the first run on a
    connection needs them, and psycopg builds the description (an object per column) anew at each reading."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall(), [column[0] for column in cursor.description] if with_columns else None


class _RowReader:
    """Rows of one query's columns to instances of `model`: RawModelIterable's steps, resolved once. `positions`:
    the row's columns that belong to this model (a joined model's columns may bear the same names)."""

    related = ()

    def __init__(self, model, columns: list[str], connection, positions: list[int]):
        to_name = connection.introspection.identifier_converter
        fields = {to_name(field.column): field for field in model._meta.fields}
        mine = {columns[pos]: pos for pos in positions}
        init_fields = [field for field in model._meta.fields if to_name(field.column) in mine]
        if model._meta.pk not in init_fields:
            raise ValueError(f"a precompiled query of {model.__name__} must select its primary key")
        self.model, self.connection, self.db = model, connection, connection.alias
        self.init_names = [field.attname for field in init_fields]
        self.init_positions = [mine[to_name(field.column)] for field in init_fields]
        self.pk_position = mine[to_name(model._meta.pk.column)]
        self.annotations = [(column, pos) for column, pos in mine.items() if column not in fields]
        self.converters = []
        for column, pos in mine.items():
            if column in fields:
                col = fields[column].get_col(fields[column].model._meta.db_table)
                functions = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
                if functions:
                    self.converters.append((pos, functions, col))

    def instance(self, row):
        values = list(row)
        for pos, functions, col in self.converters:
            value = values[pos]
            for function in functions:
                value = function(value, col, self.connection)
            values[pos] = value
        instance = self.model.from_db(self.db, self.init_names, [values[pos] for pos in self.init_positions])
        for column, pos in self.annotations:
            setattr(instance, column, values[pos])
        for field, reader in self.related:
            field.set_cached_value(instance, reader.instance(row) if row[reader.pk_position] is not None else None)
        return instance
