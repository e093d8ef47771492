"""Page-number pagination whose count stops at a cap instead of counting the whole table.

`page` and `page_size` (at most 100) as before, answering `count`, `count_capped`, `next`,
`previous` and `results`. Counting every matching row on each request costs time that grows
with the table, so the count reads at most `LIST_COUNT_CAP` rows (1,000 by default; further
when the requested page lies deeper): below the cap `count` is exact and `count_capped` false;
at the cap `count` is the cap, `count_capped` true ("1,000+") and `next` still leads on. When
the page itself shows where the list ends (fewer rows than a page), that is the count. Views
that read their page as rows (`page_rows`) get the count in the page query itself.
"""

import functools
from collections.abc import Callable, Sequence
from typing import Any

from django.conf import settings
from django.db.models import Expression, IntegerField, QuerySet
from rest_framework import pagination, serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from . import pagesql
from .filters import refuse_unknown_params

MAX_PAGE = 10**9  # page × page_size stays far inside a 64-bit OFFSET

COUNT_KEY = "_capped_count"


class CappedCount(Expression):
    """`(SELECT COUNT(*) FROM (SELECT pk … LIMIT limit+1))` over `queryset`, as an expression
    a page query can carry: the database counts once per statement and stops at limit+1."""

    output_field = IntegerField()

    def __init__(self, queryset: QuerySet, limit: int) -> None:
        super().__init__()
        self.inner = queryset.order_by().values("pk")[: limit + 1].query

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple]:
        sql, params = self.inner.get_compiler(connection=connection).as_sql()
        return f"(SELECT COUNT(*) FROM ({sql}) AS _capped)", tuple(params)


def capped_count(queryset: QuerySet, limit: int) -> int:
    """How many rows `queryset` has, reading at most `limit` + 1 of them.

    `SELECT COUNT(*) FROM (SELECT … LIMIT limit+1)`: the database stops after limit+1 rows.
    """
    return queryset.order_by()[: limit + 1].count()


def page_ids_first(queryset: QuerySet, offset: int, size: int) -> QuerySet | None:
    """The rows of one page as a queryset that reads only them, in the same order:
    `pk IN (SELECT pk … ORDER BY … LIMIT size OFFSET offset)`.

    What a page computes per row (aggregated skills, joined videos and names) then runs for
    the page's rows alone; a deep page skips the OFFSET rows by their ids (often from an
    index only) instead of building and discarding them. Querysets whose order needs their
    own annotations, or that are distinct or combined, get None (slice them as they are).
    """
    query = queryset.query
    ordering = list(query.order_by or (queryset.model._meta.ordering if query.default_ordering
                                       else ()))  # fmt: skip
    own = set(query.annotations)
    if (
        query.distinct
        or query.combinator
        or any(isinstance(o, str) and o.lstrip("-") in own for o in ordering)
        or not all(isinstance(o, str) for o in ordering)
    ):
        return None
    ids = queryset.values("pk")[offset : offset + size]
    return queryset.model._default_manager.filter(pk__in=ids).order_by(*ordering)


@functools.lru_cache(maxsize=512)
def _with_page(url: str, param: str, number: int | None) -> str:
    """`url` with its `param` set to `number` (removed for None), as DRF's page links write
    it; kept per URL, since a list's pages link the same few URLs over and over."""
    if number is None:
        return remove_query_param(url, param)
    return replace_query_param(url, param, number)


def _pop_count(rows: list[dict], offset: int) -> int:
    """The capped count the page query carried in each row (removed from the rows)."""
    counted = rows[0][COUNT_KEY] if rows else offset
    for row in rows:
        del row[COUNT_KEY]
    return counted


class CappedPage(Sequence):
    """One page of rows with what the links and the count need (Django's Page, cap-aware)."""

    def __init__(self, rows: list, *, number: int, per_page: int, count: int, capped: bool):
        self.object_list = rows
        self.number = number
        self.per_page = per_page
        self.count = count
        self.capped = capped

    def __len__(self) -> int:
        return len(self.object_list)

    def __getitem__(self, index: Any) -> Any:
        return self.object_list[index]

    def has_next(self) -> bool:
        return self.capped or self.number * self.per_page < self.count

    def has_previous(self) -> bool:
        return self.number > 1

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1


class PageNumberPagination(pagination.PageNumberPagination):
    """`page` and `page_size` (at most 100), answering count/count_capped/next/previous/results.

    The count is capped (see the module docstring): exact up to `LIST_COUNT_CAP` rows, then
    the cap with `count_capped: true`.
    """

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    template = None
    _queryset: QuerySet | None = None

    def count_cap(self) -> int:
        return int(getattr(settings, "LIST_COUNT_CAP", 1_000))

    def get_page_number(self, request: Request, paginator: Any = None) -> int:
        """The requested page number (1-based); `last` is the last page within the count."""
        raw = request.query_params.get(self.page_query_param) or "1"
        if raw in self.last_page_strings and self._queryset is not None:
            page_size = self.get_page_size(request)
            counted = capped_count(self._queryset, self.count_cap())
            return max(1, -(-min(counted, self.count_cap()) // page_size))
        try:
            number = int(raw)
        except ValueError:
            number = 0
        # Past MAX_PAGE no page can hold rows; the bound also keeps the OFFSET inside the
        # database's integer range (SQLite answers a bigger one with "datatype mismatch").
        if number < 1 or number > MAX_PAGE:
            raise NotFound(
                self.invalid_page_message.format(page_number=raw, message="not a page"),
                code="not_found",
            )
        return number

    def paginate_queryset(
        self, queryset: QuerySet, request: Request, view: Any = None
    ) -> list | None:
        self.request = request
        page_size = self.get_page_size(request)
        if not page_size:
            return None
        self._queryset = queryset
        number = self.get_page_number(request)
        offset = (number - 1) * page_size
        window = max(self.count_cap(), offset + page_size)
        page_rows = getattr(view, "page_rows", None)
        if page_rows is not None:
            key = pagesql.key_for(request, view)
            # The view reads its page as plain rows (`page_rows(queryset)`, a values()
            # queryset) of the page's ids only; the capped count rides along as a scalar
            # sub-query over the bare queryset (without the rows' joins and columns): one
            # query per page.
            count = {COUNT_KEY: CappedCount(queryset, window)}
            page = page_ids_first(queryset, offset, page_size)
            if page is not None:
                source = page_rows(page).annotate(**count)
            else:
                source = page_rows(queryset).annotate(**count)[offset : offset + page_size]
            rows = pagesql.rows_of(source, key)
            counted = _pop_count(rows, offset)
        else:
            rows = list(queryset[offset : offset + page_size])
            counted = None
        return self._finish(rows, number, page_size, counted)

    def cached_page(
        self, request: Request, view: Any, entry: pagesql.PageSql | None = None
    ) -> list | None:
        """The page of an anonymous list request whose SQL this process already compiled
        (`marketplace.pagesql`; `entry` when the caller looked it up), without building the
        queryset; None when it has none."""
        entry = entry or pagesql.lookup(pagesql.key_for(request, view))
        if entry is None:
            return None
        self.request = request
        page_size = self.get_page_size(request)
        number = self.get_page_number(request)
        rows = pagesql.run(entry)
        if not rows and number > 1:
            return None  # past the end: the full path counts the list for the empty page
        return self._finish(rows, number, page_size, _pop_count(rows, (number - 1) * page_size))

    def _finish(self, rows: list, number: int, page_size: int, counted: int | None) -> list:
        offset = (number - 1) * page_size
        window = max(self.count_cap(), offset + page_size)
        if not rows and number > 1:
            # A page past the end is an empty page (with the real count and a link back),
            # not an error: a client paging while rows disappear just stops.
            assert self._queryset is not None
            counted = capped_count(self._queryset, window)
            count, capped = min(counted, window), counted > window
        elif len(rows) < page_size:
            # The page shows where the list ends: that is the count.
            count, capped = offset + len(rows), False
        else:
            if counted is None:
                assert self._queryset is not None
                counted = capped_count(self._queryset, window)
            count, capped = min(counted, window), counted > window
        self.page = CappedPage(rows, number=number, per_page=page_size, count=count, capped=capped)
        return rows

    def get_paginated_response(self, data: Any) -> Response:
        return Response(self.page_body(data))

    def page_body(self, data: Any) -> dict[str, Any]:
        """The list envelope of the current page around `data` (its serialized rows)."""
        return {
            "count": self.page.count,
            "count_capped": self.page.capped,
            "next": self.get_next_link(),
            "previous": self.get_previous_link(),
            "results": data,
        }

    def get_next_link(self) -> str | None:
        if not self.page.has_next():
            return None
        return _with_page(self.request.build_absolute_uri(), self.page_query_param,
                          self.page.next_page_number())  # fmt: skip

    def get_previous_link(self) -> str | None:
        if not self.page.has_previous():
            return None
        number = self.page.previous_page_number()
        return _with_page(self.request.build_absolute_uri(), self.page_query_param,
                          None if number == 1 else number)  # fmt: skip

    def get_paginated_response_schema(self, schema: dict) -> dict:
        answer = super().get_paginated_response_schema(schema)
        cap = self.count_cap()
        answer["required"] = ["count", "count_capped", "results"]
        answer["properties"]["count"] = {
            "type": "integer",
            "example": 123,
            "description": (
                f"matching rows, exact up to {cap:,}; at the cap (count_capped true) it is a "
                f"lower bound: show it as “{cap:,}+”"
            ),
        }
        answer["properties"] = {
            "count": answer["properties"]["count"],
            "count_capped": {
                "type": "boolean",
                "example": False,
                "description": f"true when more than `count` rows match (counts stop at {cap:,})",
            },
            **{k: v for k, v in answer["properties"].items() if k != "count"},
        }
        return answer


# A nested list takes its page and nothing else (no filters, no search, no ordering).
NESTED_LIST_PARAMS = frozenset({"page", "page_size", "format"})


def page_of_items(
    request: Request, items: Sequence, serialize: Callable[[list], list]
) -> dict[str, Any]:
    """The list envelope (count/count_capped/next/previous/results) for one page of `items`, a
    short list already in memory (a contract's milestones, deliveries, reviews), with the same
    `page` and `page_size` rules as every list: the nested lists answer like the others, and
    refuse any other query parameter (400 `unknown_parameter`)."""
    view = (getattr(request, "parser_context", None) or {}).get("view")
    refuse_unknown_params(request, view, (), NESTED_LIST_PARAMS)
    items = list(items)  # one evaluation (with its prefetches) for the count and the page
    paginator = PageNumberPagination()
    paginator.request = request
    page_size = paginator.get_page_size(request) or paginator.page_size
    number = paginator.get_page_number(request)
    offset = (number - 1) * page_size
    rows = list(items[offset : offset + page_size])
    paginator.page = CappedPage(
        rows, number=number, per_page=page_size, count=len(items), capped=False
    )
    return {
        "count": len(items),
        "count_capped": False,
        "next": paginator.get_next_link(),
        "previous": paginator.get_previous_link(),
        "results": serialize(rows),
    }


_page_serializers: dict[type, type] = {}


def page_serializer(child: type[serializers.Serializer]) -> type[serializers.Serializer]:
    """The schema of a page of `child` (for `extend_schema(responses=...)` of nested lists)."""
    if child not in _page_serializers:
        name = child.__name__.removesuffix("Serializer")
        _page_serializers[child] = type(
            f"{name}PageSerializer",
            (serializers.Serializer,),
            {
                "count": serializers.IntegerField(),
                "count_capped": serializers.BooleanField(),
                "next": serializers.URLField(allow_null=True),
                "previous": serializers.URLField(allow_null=True),
                "results": child(many=True),
                "__module__": __name__,
            },
        )
    return _page_serializers[child]
