"""SQL building blocks for the matching factors, written to compute the reference's exact doubles.

Every factor is a double computed with the same operations in the same order as
`campaigns.matching.reference`: integers are cast to double before dividing, constants are sent
as doubles (a bare `0.3` would be `numeric` on PostgreSQL and round differently), and a currency
conversion is one multiplication by the reference's per-pair rate. PostgreSQL, SQLite and Python
therefore agree bit for bit, and ties break the same way everywhere.
"""

from __future__ import annotations

import json
import operator
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from functools import reduce
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import BooleanField, Case, F, FloatField, Func, IntegerField, Q, Value, When
from django.db.models.functions import Cast, Greatest, Least
from django.db.models.lookups import GreaterThanOrEqual

from . import reference as ref

Expr = Any  # a Django expression (or Q) usable in annotations and filters


def num(value: float) -> Expr:
    """A double constant, typed as double in SQL."""
    return Cast(Value(float(value)), FloatField())


def as_float(expression: Expr) -> Expr:
    """An integer expression cast to double, so `/` is true division everywhere."""
    return Cast(expression, FloatField())


class JSONListHas(Func):
    """True when the JSON list in the column holds `item` (exact element match).

    PostgreSQL: `col ? 'item'`, the cheapest per-row test. SQLite looks through `json_each`.
    """

    output_field = BooleanField()
    arity = 1

    def __init__(self, expression: Expr, item: str) -> None:
        super().__init__(expression)
        self.item = item

    def as_sql(self, compiler, connection, **extra_context):  # type: ignore[no-untyped-def]
        sql, params = compiler.compile(self.source_expressions[0])
        return (
            f"EXISTS (SELECT 1 FROM json_each({sql}) AS je WHERE je.value = %s)",
            (*params, self.item),
        )

    def as_postgresql(self, compiler, connection, **extra_context):  # type: ignore[no-untyped-def]
        sql, params = compiler.compile(self.source_expressions[0])
        return f"({sql} ? %s)", (*params, self.item)


class JSONListContains(Func):
    """True when the JSON list in the column holds every one of `items`.

    PostgreSQL: `col @> '[...]'`, which the jsonb_path_ops GIN indexes answer without a scan.
    """

    output_field = BooleanField()
    arity = 1

    def __init__(self, expression: Expr, items: Iterable[str]) -> None:
        super().__init__(expression)
        self.items = sorted(set(items))

    def as_sql(self, compiler, connection, **extra_context):  # type: ignore[no-untyped-def]
        sql, params = compiler.compile(self.source_expressions[0])
        test = f"EXISTS (SELECT 1 FROM json_each({sql}) AS je WHERE je.value = %s)"
        clause = " AND ".join([test] * len(self.items)) or "1 = 1"
        return f"({clause})", tuple(p for item in self.items for p in (*params, item))

    def as_postgresql(self, compiler, connection, **extra_context):  # type: ignore[no-untyped-def]
        sql, params = compiler.compile(self.source_expressions[0])
        return f"({sql} @> %s::jsonb)", (*params, json.dumps(self.items))


class JSONListCount(Func):
    """How many distinct items of the JSON list in the column are in `within` (or at all)."""

    output_field = IntegerField()
    arity = 1

    def __init__(self, expression: Expr, within: Iterable[str] | None = None) -> None:
        super().__init__(expression)
        self.within = None if within is None else sorted(set(within))

    def _where(self, column: str) -> tuple[str, list[str]]:
        if self.within is None:
            return "", []
        if not self.within:
            return " WHERE 1 = 0", []
        return f" WHERE {column} IN ({', '.join(['%s'] * len(self.within))})", list(self.within)

    def as_sql(self, compiler, connection, **extra_context):  # type: ignore[no-untyped-def]
        sql, params = compiler.compile(self.source_expressions[0])
        where, more = self._where("je.value")
        return (
            f"(SELECT COUNT(DISTINCT je.value) FROM json_each({sql}) AS je{where})",
            (*params, *more),
        )

    def as_postgresql(self, compiler, connection, **extra_context):  # type: ignore[no-untyped-def]
        sql, params = compiler.compile(self.source_expressions[0])
        where, more = self._where("je.v")
        return (
            f"(SELECT COUNT(DISTINCT je.v) FROM jsonb_array_elements_text({sql}) AS je(v){where})",
            (*params, *more),
        )


def has_item(columns: tuple[str, ...], item: str) -> Q:
    """The row's JSON list column(s) hold `item`: a per-row test, no sub-plan."""
    return reduce(operator.or_, [Q(JSONListHas(F(name), item)) for name in columns])


def count_true(conditions: list[Expr]) -> Expr:
    """Σ (1 if condition else 0), an integer."""
    return reduce(
        operator.add, [Case(When(c, then=Value(1)), default=Value(0)) for c in conditions]
    )


def weighted_sum(factors: Mapping[str, Expr], names: Iterable[str] = ref.FACTORS) -> Expr:
    """Σ weight × factor over `names`, left to right like the reference."""
    w = ref.weights()
    return reduce(operator.add, [num(w[name]) * factors[name] for name in names])


def budget(*, quote: Expr, rate: Expr, has_card: Expr | bool, limit: Expr, twice: Expr) -> Expr:
    """1 when the converted quote ≤ limit, 0 from twice the limit, linear between; 0.5: no card.

    Written as `min(1, max(0, (2B − q) / B))`, which equals the reference's three cases
    exactly (rounding is monotone, so q ≤ B yields a value ≥ 1 and q ≥ 2B one ≤ 0) and
    evaluates the quote once per row.
    """
    if has_card is False:
        return num(ref.NO_RATE_CARD)
    converted = as_float(quote) * rate
    linear = Least(num(1.0), Greatest(num(0.0), (twice - converted) / limit))
    if has_card is True:
        return linear
    return Case(When(has_card, then=linear), default=num(ref.NO_RATE_CARD))


def quality(rating_sum: Expr, review_count: Expr) -> Expr:
    return (
        (num(ref.QUALITY_PRIOR) + as_float(rating_sum))
        / as_float(review_count + Value(ref.PRIOR_COUNT))
        / num(ref.MAX_STARS)
    )


def reliability(on_time: Expr, completed: Expr) -> Expr:
    return (num(ref.RELIABILITY_PRIOR) + as_float(on_time)) / as_float(
        completed + Value(ref.PRIOR_COUNT)
    )


def recency(last_active: Expr, now: datetime) -> Expr:
    full, half = ref.recency_cutoffs(now)
    return Case(
        When(GreaterThanOrEqual(last_active, full), then=num(1.0)),
        When(GreaterThanOrEqual(last_active, half), then=num(0.5)),
        default=num(0.0),
        output_field=FloatField(),
    )


def rates_to(target: str) -> dict[str, float]:
    """The reference's rate to `target` from every currency the FX table (or `target`) knows."""
    rates = {c: ref.fx_rate(c, target) for c in {*settings.FX_TO_USD, target}}
    return {c: r for c, r in sorted(rates.items()) if r is not None}


def rate_case(column: str, rates: Mapping[str, float]) -> Expr:
    """The rate for the currency in `column`; NULL for a currency without one."""
    return Case(
        *[When(**{column: c}, then=num(r)) for c, r in rates.items()],
        default=Value(None, output_field=FloatField()),
        output_field=FloatField(),
    )


@contextmanager
def ranking_transaction(table: str) -> Iterator[float | None]:
    """A transaction for the ranking queries that yields the planner's row estimate for `table`.

    On PostgreSQL one statement turns JIT compilation off for the transaction
    (`set_config(..., is_local => true)`, like `SET LOCAL`) and reads `pg_class.reltuples`.
    The ranking's estimated cost (per-row sub-plans) crosses the default `jit_above_cost`, and
    compiling its expressions took ~0.4 s in the benchmark, far longer than running them for the
    rows that reach them; being local to the transaction, the setting never leaks into pooled
    connections. Elsewhere: no transaction, and None.
    """
    if connection.vendor != "postgresql":
        yield None
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('jit', 'off', true), reltuples FROM pg_class "
            "WHERE oid = %s::regclass",
            [table],
        )
        row = cursor.fetchone()
        yield max(float(row[1]), 0.0) if row else None
