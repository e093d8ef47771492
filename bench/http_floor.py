"""The raw floor for bench/lists.py: each public list answered by ONE hand-written SQL query.

Same JSON as the API (keys, order, formats, the capped count and the links), built from plain
tuples with `json.dumps`; no ORM, no DRF. Served under /floor/… next to the project's URLs by
the same gunicorn (ROOT_URLCONF of bench/http_settings.py), so both run in the same processes.
"""

import json
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from rest_framework.utils.urls import remove_query_param, replace_query_param

from campaigns.generation_cost import estimate_generation_cost


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _j(value: Any) -> Any:
    """A json/jsonb column: Django's psycopg setup hands jsonb over as text."""
    return json.loads(value) if isinstance(value, str) else value


def _page(request: HttpRequest) -> tuple[int, int]:
    number = max(1, int(request.GET.get("page") or 1))
    size = min(100, max(1, int(request.GET.get("page_size") or 20)))
    return number, size


def _answer(request: HttpRequest, number: int, size: int, count: int, results: list) -> Any:
    cap = max(int(settings.LIST_COUNT_CAP), number * size)
    capped = count > cap
    count = min(count, cap)
    url = request.build_absolute_uri()
    more = capped or number * size < count
    body = {
        "count": count,
        "count_capped": capped,
        "next": replace_query_param(url, "page", number + 1) if more else None,
        "previous": (
            None
            if number == 1
            else remove_query_param(url, "page")
            if number == 2
            else replace_query_param(url, "page", number - 1)
        ),
        "results": results,
    }
    return HttpResponse(json.dumps(body), content_type="application/json")


def _fetch(sql: str, params: dict) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


CREATORS_SQL = """
SELECT (SELECT count(*) FROM (SELECT 1 FROM creators_creatorprofile c
                              WHERE NOT c.suspended {where} LIMIT %(window)s) w),
       c.handle, c.display_name, c.bio, c.country, c.languages, c.tags,
       c.min_price_per_project, c.price_per_second, c.rate_currency, c.tier, c.verified,
       c.rating_sum, c.review_count, c.completed_contracts, c.on_time_contracts,
       c.last_active_at, c.created_at,
       (SELECT coalesce(json_agg(json_build_object('model', s.model, 'provider', s.provider,
                                                   'reel_count', s.reel_count,
                                                   'total_seconds', s.total_seconds)
                                 ORDER BY s.reel_count DESC, s.model), '[]')
        FROM creators_creatorskill s WHERE s.creator_id = c.id)
FROM creators_creatorprofile c
WHERE NOT c.suspended {where}
ORDER BY c.id LIMIT %(limit)s OFFSET %(offset)s
"""


def creators(request: HttpRequest) -> HttpResponse:
    number, size = _page(request)
    where, params = "", {}
    if request.GET.get("tags"):
        tags = [t for t in request.GET["tags"].split(",") if t]
        for i, tag in enumerate(tags):
            params[f"tag{i}"] = json.dumps([tag])
            where += f" AND (c.tags @> %(tag{i})s::jsonb OR c.reel_tags @> %(tag{i})s::jsonb)"
    if request.GET.get("models"):
        params["models"] = [m for m in request.GET["models"].split(",") if m]
        where += (
            " AND EXISTS (SELECT 1 FROM creators_creatorskill m"
            " WHERE m.creator_id = c.id AND m.model = ANY(%(models)s))"
        )
    window = max(int(settings.LIST_COUNT_CAP), number * size)
    params.update(window=window + 1, limit=size, offset=(number - 1) * size)
    rows = _fetch(CREATORS_SQL.format(where=where), params)
    results = [
        {
            "handle": r[1],
            "display_name": r[2],
            "bio": r[3],
            "country": r[4],
            "languages": _j(r[5]),
            "tags": _j(r[6]),
            "min_price_per_project": r[7],
            "price_per_second": r[8],
            "rate_currency": r[9],
            "tier": r[10],
            "verified": r[11],
            "rating": round(r[12] / r[13], 2) if r[13] else None,
            "review_count": r[13],
            "completed_contracts": r[14],
            "on_time_rate": round(r[15] / r[14], 3) if r[14] else None,
            "last_active_at": _iso(r[16]),
            "skills": _j(r[18]),
            "created_at": _iso(r[17]),
        }
        for r in rows
    ]
    return _answer(request, number, size, rows[0][0] if rows else 0, results)


REELS_SQL = """
SELECT (SELECT count(*) FROM (SELECT 1 FROM creators_reel r
        WHERE r.moderation = 'approved' AND NOT r.creator_suspended LIMIT %(window)s) w),
       r.id, c.handle, r.portfolio_id, r.title, r.description, r.tags, v.provider, v.model,
       v.video_url, v.thumbnail_url, v.prompt, v.mode, v.duration_s, v.width, v.height, v.fps,
       v.seed, v.provider_task_id, v.generated_at, r.moderation, r.rejection_reason,
       r.created_at, r.updated_at
FROM creators_reel r
JOIN creators_generatedvideo v ON v.id = r.video_id
JOIN creators_creatorprofile c ON c.id = r.creator_id
WHERE r.moderation = 'approved' AND NOT r.creator_suspended
ORDER BY r.id DESC LIMIT %(limit)s OFFSET %(offset)s
"""


def reels(request: HttpRequest) -> HttpResponse:
    number, size = _page(request)
    window = max(int(settings.LIST_COUNT_CAP), number * size)
    rows = _fetch(REELS_SQL, {"window": window + 1, "limit": size, "offset": (number - 1) * size})
    results = [
        {
            "id": r[1],
            "creator": r[2],
            "portfolio": r[3],
            "title": r[4],
            "description": r[5],
            "tags": _j(r[6]),
            "video": {
                "provider": r[7],
                "model": r[8],
                "video_url": r[9],
                "thumbnail_url": r[10],
                "prompt": r[11],
                "mode": r[12],
                "duration_s": r[13],
                "width": r[14],
                "height": r[15],
                "fps": r[16],
                "seed": r[17],
                "provider_task_id": r[18],
                "generated_at": _iso(r[19]),
            },
            "moderation": r[20],
            "rejection_reason": r[21],
            "created_at": _iso(r[22]),
            "updated_at": _iso(r[23]),
        }
        for r in rows
    ]
    return _answer(request, number, size, rows[0][0] if rows else 0, results)


BRIEFS_SQL = """
SELECT (SELECT count(*) FROM (SELECT 1 FROM campaigns_brief b
        WHERE b.status = 'open' AND b.visibility = 'public' LIMIT %(window)s) w),
       b.id, b.brand_id, br.name, b.ip_id, ip.name, b.title, b.description, b.tags,
       b.preferred_models, b.languages, b.deliverables, b.total_seconds, b.budget_min,
       b.budget_max, b.currency, b.bid_deadline, b.delivery_deadline, b.visibility, b.min_tier,
       b.slots, b.usage_exclusive, b.usage_territories, b.usage_term_months, b.usage_channels,
       b.status, b.rejection_reason, b.submitted_at, b.approved_at, b.created_at, b.updated_at
FROM campaigns_brief b
JOIN campaigns_brand br ON br.id = b.brand_id
LEFT JOIN campaigns_ipasset ip ON ip.id = b.ip_id
WHERE b.status = 'open' AND b.visibility = 'public'
ORDER BY b.id DESC LIMIT %(limit)s OFFSET %(offset)s
"""


def briefs(request: HttpRequest) -> HttpResponse:
    number, size = _page(request)
    window = max(int(settings.LIST_COUNT_CAP), number * size)
    rows = _fetch(BRIEFS_SQL, {"window": window + 1, "limit": size, "offset": (number - 1) * size})
    results = [
        {
            "id": r[1],
            "brand": r[2],
            "brand_name": r[3],
            "ip": r[4],
            "ip_name": r[5],
            "title": r[6],
            "description": r[7],
            "tags": _j(r[8]),
            "preferred_models": _j(r[9]),
            "languages": _j(r[10]),
            "deliverables": _j(r[11]),
            "total_seconds": r[12],
            "generation_cost": estimate_generation_cost(
                SimpleNamespace(preferred_models=_j(r[9]), total_seconds=r[12], currency=r[15])
            ),
            "budget_min": r[13],
            "budget_max": r[14],
            "currency": r[15],
            "bid_deadline": _iso(r[16]),
            "delivery_deadline": _iso(r[17]),
            "visibility": r[18],
            "min_tier": r[19],
            "slots": r[20],
            "usage_rights": {
                "exclusive": r[21],
                "territories": _j(r[22]),
                "term_months": r[23],
                "channels": _j(r[24]),
            },
            "status": r[25],
            "rejection_reason": r[26],
            "submitted_at": _iso(r[27]),
            "approved_at": _iso(r[28]),
            "created_at": _iso(r[29]),
            "updated_at": _iso(r[30]),
        }
        for r in rows
    ]
    return _answer(request, number, size, rows[0][0] if rows else 0, results)


urlpatterns = [
    path("floor/creators/", creators),
    path("floor/reels/", reels),
    path("floor/briefs/", briefs),
    path("", include("marketplace.urls")),
]
