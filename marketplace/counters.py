"""Counters shared by every web process and incremented atomically: the throttles' counts.

DRF's own throttles read a list of timestamps from the cache and write it back, so requests
that arrive together all read the same list and all pass. Here each request adds one to the
count of its window in a single atomic step (Redis `INCR`; an `INSERT … ON CONFLICT DO UPDATE
… RETURNING` on the database; the in-process cache's lock locally), so of N requests at a
limit of L exactly L see a count within it, however they interleave.
"""

import random
from datetime import UTC, datetime, timedelta

from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.db import connection

from .models import ThrottleCounter

# One hit in this many also deletes the database's expired counters.
_SWEEP_ONE_IN = 50


def _db_add(key: str, delta: int, expires: datetime) -> int:
    table = connection.ops.quote_name(ThrottleCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (counter_key, count, expires) VALUES (%s, %s, %s) "
            f"ON CONFLICT (counter_key) DO UPDATE SET count = {table}.count + %s "
            "RETURNING count",
            [key, delta, expires, delta],
        )
        (count,) = cursor.fetchone()
    if delta > 0 and random.randrange(_SWEEP_ONE_IN) == 0:  # noqa: S311 - not security
        ThrottleCounter.objects.filter(expires__lt=datetime.now(UTC)).delete()
    return int(count)


def _db_get(key: str) -> int:
    row = ThrottleCounter.objects.filter(counter_key=key).values_list("count", flat=True).first()
    return int(row or 0)


def counter_add(key: str, delta: int, *, ttl_s: int) -> int:
    """Add `delta` to the shared counter `key` (made at 0, kept `ttl_s` seconds) in one atomic
    step and answer the new value."""
    cache = caches["default"]
    if isinstance(cache, DatabaseCache):
        return _db_add(key, delta, datetime.now(UTC) + timedelta(seconds=ttl_s))
    key = f"counter:{key}"
    cache.add(key, 0, timeout=ttl_s)
    try:
        return int(cache.incr(key, delta))
    except ValueError:  # expired between add and incr: this is its first hit
        cache.add(key, delta, timeout=ttl_s)
        return delta


def counter_get(key: str) -> int:
    """The current value of the shared counter `key` (0 when absent or expired)."""
    cache = caches["default"]
    if isinstance(cache, DatabaseCache):
        return _db_get(key)
    return int(cache.get(f"counter:{key}") or 0)
