"""The compiled page queries of anonymous public lists, kept per process by URL.

Building and compiling a list's page query through the ORM (filters, the values of thirty
columns, the ids-first sub-query, the capped count) costs more CPU than running it. For an
anonymous request the query depends only on the view and the URL (and the count cap), so the
first request of a URL keeps its SQL, parameters and column converters here, and later ones
run that SQL directly, skipping get_queryset, the filter backends and the compiler. Only
PostgreSQL (its converters are the fields' own, not the connection's), at most `LIMIT` URLs
per process, least recently used out first; the database is still chosen per request by the
routers.
"""

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections, router
from django.db.models import Model, QuerySet
from rest_framework.request import Request

LIMIT = 512
_compiled: "OrderedDict[tuple, PageSql]" = OrderedDict()


@dataclass(frozen=True)
class PageSql:
    model: type[Model]
    sql: str
    params: tuple
    names: tuple[str, ...]
    converters: tuple[tuple[int, tuple[Callable, ...], Any], ...]


def key_for(request: Request, view: Any) -> tuple | None:
    """The cache key of an anonymous list request (None when its SQL must not be reused)."""
    if request.method not in ("GET", "HEAD") or request.user.is_authenticated:
        return None
    if not (request.query_params.get("page") or "1").isdigit():  # `last` counts first
        return None
    view_class = type(view)
    cap = int(getattr(settings, "LIST_COUNT_CAP", 1000))
    return (view_class.__module__, view_class.__qualname__, request.get_full_path(), cap)


def lookup(key: tuple | None) -> PageSql | None:
    if key is None:
        return None
    entry = _compiled.get(key)
    if entry is not None:
        _compiled.move_to_end(key)
    return entry


def rows_of(source: QuerySet, key: tuple | None) -> list[dict]:
    """The rows of `source` (a values() queryset) as dicts; its SQL kept under `key`."""
    alias = source.db
    compiler = source.query.get_compiler(using=alias)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        # A filter the ORM knows matches nothing (`id IN ()`): no query, no rows.
        return []
    query = source.query
    names = (*query.extra_select, *query.values_select, *query.annotation_select)
    fields = [s[0] for s in compiler.select[: compiler.col_count]]
    converters = tuple(
        (pos, tuple(funcs), expression)
        for pos, (funcs, expression) in compiler.get_converters(fields).items()
    )
    entry = PageSql(source.model, sql, tuple(params), names, converters)
    if key is not None and connections[alias].vendor == "postgresql":
        _compiled[key] = entry
        while len(_compiled) > LIMIT:
            _compiled.popitem(last=False)
    return run(entry, alias)


def run(entry: PageSql, alias: str | None = None) -> list[dict]:
    """Execute a kept page query on the database the routers choose for its model."""
    alias = alias or router.db_for_read(entry.model)
    connection = connections[alias]
    with connection.cursor() as cursor:
        cursor.execute(entry.sql, entry.params)
        data = cursor.fetchall()
    names, converters = entry.names, entry.converters
    out = []
    for row in data:
        if converters:
            row = list(row)
            for pos, funcs, expression in converters:
                value = row[pos]
                for func in funcs:
                    value = func(value, expression, connection)
                row[pos] = value
        out.append(dict(zip(names, row, strict=True)))
    return out
