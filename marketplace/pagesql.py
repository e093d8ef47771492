"""The compiled page queries of anonymous public lists, kept per process by URL.

Building and compiling a list's page query through the ORM (filters, the values of thirty
columns, the ids-first sub-query, the capped count) costs more CPU than running it. For an
anonymous request the query depends only on the view and the URL (and the count cap), so the
first request of a URL keeps its SQL, parameters and column converters here, and later ones
run that SQL directly, skipping get_queryset, the filter backends and the compiler. Only
PostgreSQL (its converters are the fields' own, not the connection's), at most `LIMIT` URLs
per process, least recently used out first; the database is still chosen per request by the
routers. With Django's connection pool the kept SQL is bound by the server, so psycopg
prepares it once a connection has run it a few times and PostgreSQL stops planning it on
every request (`_prepares`).
"""

import json
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import psycopg
from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import DatabaseError, connections, router, transaction
from django.db.models import JSONField, Model, QuerySet
from django.db.models.fields.json import KeyTransform
from psycopg.types.datetime import TimestamptzLoader
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
    json_columns: tuple[int, ...] = ()  # decoded by `json.loads` alone (see `_plain_json`)
    server_binding: bool = True  # False once PostgreSQL could not type its parameters


def key_for(request: Request, view: Any) -> tuple | None:
    """The cache key of an anonymous list request (None when its SQL must not be reused)."""
    if request.method not in ("GET", "HEAD") or request.user.is_authenticated:
        return None
    return anonymous_key(type(view), request.query_params.get("page"), request.get_full_path())


def anonymous_key(view_class: type, page: str | None, full_path: str) -> tuple | None:
    """The key of an anonymous GET of `full_path` on `view_class` (whose `page` parameter is
    `page`); None for a page named by a word (`last` counts first)."""
    if not (page or "1").isdigit():
        return None
    cap = int(getattr(settings, "LIST_COUNT_CAP", 1000))
    return (view_class.__module__, view_class.__qualname__, full_path, cap)


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
    plain = tuple(pos for pos, funcs, expression in converters if _plain_json(funcs, expression))
    others = tuple(c for c in converters if c[0] not in plain)
    entry = PageSql(source.model, sql, tuple(params), names, others, plain)
    if connections[alias].vendor != "postgresql":
        return run(entry, alias)
    if not _prepares(connections[alias]):
        rows = run(entry, alias)
    else:
        try:
            with transaction.atomic(using=alias):
                rows = run(entry, alias)
        except DatabaseError:
            # Bound by the client (as the ORM binds everything), it runs as it always did.
            entry = replace(entry, server_binding=False)
            rows = run(entry, alias)
    if key is not None:
        _compiled[key] = entry
        while len(_compiled) > LIMIT:
            _compiled.popitem(last=False)
    return rows


def _prepares(connection: Any) -> bool:
    """Whether kept page SQL is bound by the server on this connection: PostgreSQL with
    Django's psycopg pool, whose connections live across requests, so that psycopg prepares
    a statement run often (its `prepare_threshold`) and PostgreSQL plans it once per
    connection instead of on every request (planning these joins costs more than running
    them). Without the pool (`DATABASE_POOL=0`, e.g. behind PgBouncer in transaction mode)
    the SQL is bound by the client, as the ORM binds everything, and never prepared."""
    return connection.vendor == "postgresql" and "pool" in connection.settings_dict.get(
        "OPTIONS", {}
    )


def _plain_json(funcs: tuple[Callable, ...], expression: Any) -> bool:
    """Whether a column's only converter is a JSONField's own decoding of JSON text (no custom
    decoder, not a key transform): then `json.loads` alone gives the same value."""
    if len(funcs) != 1 or getattr(funcs[0], "__func__", None) is not JSONField.from_db_value:
        return False
    field = funcs[0].__self__
    return field.decoder is None and not isinstance(expression, KeyTransform)


def _json_value(value: Any) -> Any:
    """`JSONField.from_db_value` without its field: JSON text as data (None as None, text
    that is not JSON as itself)."""
    if value is None:
        return None
    try:
        return json.loads(value)
    except json.JSONDecodeError:
        return value


def _fast_loaders(cursor: Any, connection: Any) -> None:
    """Timestamps parsed by psycopg's compiled loader instead of Django's Python subclass
    (which only re-labels the time zone of the same instant: list items print them through
    `datetime_text`, so the text is the same). Naive timestamps (USE_TZ off) keep Django's."""
    if connection.timezone is not None and hasattr(cursor, "adapters"):
        cursor.adapters.register_loader("timestamptz", TimestamptzLoader)


def _cursor(connection: Any, server_binding: bool) -> Any:
    """Django's cursor (query logging and execute wrappers included) over a psycopg cursor
    that binds on the server, so that psycopg can prepare the statement (see `_prepares`);
    the connection's own client-binding cursor otherwise."""
    if not (server_binding and _prepares(connection)):
        return connection.cursor()
    connection.ensure_connection()
    raw = psycopg.Cursor(connection.connection)
    if connection.queries_logged:
        return connection.make_debug_cursor(raw)
    return connection.make_cursor(raw)


def run(entry: PageSql, alias: str | None = None) -> list[dict]:
    """Execute a kept page query on the database the routers choose for its model."""
    alias = alias or router.db_for_read(entry.model)
    connection = connections[alias]
    with _cursor(connection, entry.server_binding) as cursor:
        _fast_loaders(cursor.cursor, connection)
        cursor.execute(entry.sql, entry.params)
        data = cursor.fetchall()
    names, plain, converters = entry.names, entry.json_columns, entry.converters
    if not converters and not plain:
        return [dict(zip(names, row, strict=True)) for row in data]
    out = []
    for row in data:
        row = list(row)
        for pos in plain:
            row[pos] = _json_value(row[pos])
        for pos, funcs, expression in converters:
            value = row[pos]
            for func in funcs:
                value = func(value, expression, connection)
            row[pos] = value
        out.append(dict(zip(names, row, strict=True)))
    return out
