"""Row locks the way every app takes them: primary-key order, only the named table's rows.

Each app's `locks.py` builds on these two helpers, so two services that lock the same rows always
take them in the same order (no deadlock) and a join in the query never locks a related table.
On SQLite `select_for_update` is a no-op; its write lock is taken up front (IMMEDIATE transactions).
"""

from typing import TypeVar

from django.db import models

M = TypeVar("M", bound=models.Model)


def lock_rows(queryset: "models.QuerySet[M]") -> list[M]:
    """Lock and return the rows of `queryset` in primary-key order (call inside atomic())."""
    return list(queryset.select_for_update(of=("self",)).order_by("pk"))


def lock_one(queryset: "models.QuerySet[M]", pk: object) -> M:
    """Lock and return one row by primary key; DoesNotExist if it is gone."""
    return queryset.select_for_update(of=("self",)).get(pk=pk)
