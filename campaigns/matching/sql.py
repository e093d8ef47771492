"""Small SQL helpers of the matching engine (the formula itself is in `creator_sql`)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection, transaction
from django.db.models import FloatField, Value
from django.db.models.functions import Cast

Expr = Any  # a Django expression (or Q) usable in annotations and filters


def num(value: float) -> Expr:
    """A double constant, typed as double in SQL."""
    return Cast(Value(float(value)), FloatField())


@contextmanager
def ranking_transaction() -> Iterator[None]:
    """A transaction for the ranking queries with JIT compilation off (PostgreSQL).

    The ranking's estimated cost crosses the default `jit_above_cost`, and compiling its
    expressions took ~0.4 s in the benchmark, far longer than running them for the rows that
    reach them; `set_config(..., is_local => true)` is like `SET LOCAL`, so the setting never
    leaks into pooled connections. Elsewhere: nothing.
    """
    if connection.vendor != "postgresql":
        yield None
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT set_config('jit', 'off', true)")
        yield None
