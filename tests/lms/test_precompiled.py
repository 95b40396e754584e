"""lms.precompiled: a query's SQL built once, its rows read as the ORM reads them (same values after the
database's converters, deferred fields, annotations), with the values of each call escaped as Django would."""

import datetime

import pytest
from django.db.models import F, Value
from django.db.models.functions import Length

from accounts.models import LearnerProfile, User
from lms.precompiled import Precompiled
from localities.models import Locality
from tests.conftest import make_user

BY_PREFIX = Precompiled(lambda prefix, limit: User.objects.filter(username__startswith=prefix, pk__lt=limit)
                        .annotate(name_length=Length("username"), marker=Value("x")).order_by("username"),
                        texts=("prefix",), numbers=("limit",))
ONLY_NAMES = Precompiled(lambda prefix: User.objects.filter(username__startswith=prefix).only("pk", "username")
                         .order_by("pk"), texts=("prefix",))


@pytest.mark.django_db
def test_rows_hold_the_values_the_orm_reads():
    first = make_user("a%b1")
    first.last_login = datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.UTC)
    first.save()
    make_user("axb2"), make_user("a%c3")
    rows = BY_PREFIX.rows(prefix="a%b", limit=10**9)
    assert [row.username for row in rows] == ["a%b1"]  # "%" in a value is a character, not a wildcard
    row, orm = rows[0], User.objects.get(username="a%b1")
    for field in User._meta.concrete_fields:
        assert getattr(row, field.attname) == getattr(orm, field.attname), field.name
    assert row.last_login == first.last_login and row.last_login.tzinfo is not None
    assert isinstance(row.is_active, bool) and row.is_active is True
    assert (row.name_length, row.marker, row._state.adding) == (4, "x", False)
    assert [row.username for row in BY_PREFIX.rows(prefix="a", limit=10**9)] == ["a%b1", "a%c3", "axb2"]
    assert BY_PREFIX.rows(prefix="a", limit=first.pk) == []


@pytest.mark.django_db
def test_fields_left_out_are_deferred_and_load_on_use(django_assert_num_queries):
    user = make_user("deferred-one", full_name="Học Viên Hoãn")
    with django_assert_num_queries(1):
        [row] = ONLY_NAMES.rows(prefix="deferred-")
    assert row.get_deferred_fields() >= {"full_name", "password"}
    with django_assert_num_queries(1):
        assert row.full_name == user.full_name == "Học Viên Hoãn"


@pytest.mark.django_db
def test_a_query_without_the_primary_key_is_refused():
    no_pk = Precompiled(lambda prefix: User.objects.filter(username__startswith=prefix)
                        .annotate(name=F("username")).values_list("username"), texts=("prefix",))
    make_user("no-pk")
    with pytest.raises(ValueError, match="primary key"):
        no_pk.rows(prefix="no-")


@pytest.mark.django_db
def test_tuples_are_the_drivers_rows_of_a_values_list():
    names = Precompiled(lambda prefix: User.objects.filter(username__startswith=prefix).order_by("username")
                        .values_list("username", "is_active"), texts=("prefix",))
    make_user("t_1"), make_user("tx2")
    assert [(name, bool(active)) for name, active in names.tuples(prefix="t_")] == [("t_1", True)]


UNITS = Precompiled(lambda prefix: Locality.objects.filter(path__startswith=prefix).select_related("parent")
                    .order_by("path"), texts=("prefix",))


@pytest.mark.django_db
def test_a_select_related_row_is_its_own_instance_and_an_empty_join_is_none(commune, django_assert_num_queries):
    """A unit joined to its parent: the same table twice, every column name twice. Each instance must take
    its own columns, and the province's empty join must be None, read without a query."""
    province = commune.parent.parent
    with django_assert_num_queries(1):
        rows = {row.pk: row for row in UNITS.rows(prefix=province.path)}
        assert rows[province.pk].parent is None
        assert (rows[commune.pk].name, rows[commune.pk].parent.pk, rows[commune.pk].parent.name) == (
            commune.name, commune.parent.pk, commune.parent.name)
        assert rows[commune.pk].parent.path == commune.parent.path != rows[commune.pk].path


def test_a_deeper_select_related_is_refused():
    deep = Precompiled(lambda prefix: LearnerProfile.objects.filter(user__username=prefix)
                       .select_related("commune__parent"), texts=("prefix",))
    with pytest.raises(ValueError, match="one level deep"):
        deep.rows(prefix="x")


# A statement of its own around the query: each user's row led by the names it shares a first letter with,
# joined to the query's user where the names are the same (NULLs elsewhere).
AROUND = Precompiled(
    lambda prefix: User.objects.filter(username__startswith=prefix).annotate(marker=Value("x")),
    texts=("prefix",), lead=2,
    around=lambda sql: (f'WITH found AS ({sql}) SELECT o.username, %s, found.* FROM "accounts_user" o '
                        f'LEFT JOIN found ON found.id = o.id WHERE o.username LIKE %s ORDER BY o.username'))


@pytest.mark.django_db
def test_rows_around_read_their_own_columns_and_the_querys_instance_or_none():
    make_user("around-a1"), make_user("around-b2", full_name="Bê Hai"), make_user("elsewhere")
    rows = AROUND.rows_around(["tag", "around-%"], prefix="around-b")
    assert [own for own, _instance in rows] == [("around-a1", "tag"), ("around-b2", "tag")]
    assert rows[0][1] is None  # a row where the query found nothing
    user = rows[1][1]
    assert (user.username, user.full_name, user.marker, user._state.adding) == ("around-b2", "Bê Hai", "x", False)
    assert AROUND.rows_around(["tag", "nobody-%"], prefix="around-") == []
