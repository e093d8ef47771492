"""The raw floor of bench/lists.py: the public lists as a plain WSGI app, outside Django.

    gunicorn bench.http_floor:app     (FLOOR_DSN, FLOOR_CONFIG in the environment)

Each page is ONE SQL statement through psycopg (the page's ids first, then the details of those
rows only, with the capped count as a scalar sub-query and the creators' skills as `json_agg`),
turned into the API's JSON with `json.dumps`: byte for byte what the API answers for the same
URL and Host (bench/lists.py checks it before timing). No Django, no DRF, no ORM; what the API
reads from settings (count cap, generation prices) comes in FLOOR_CONFIG as JSON.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Any
from urllib.parse import parse_qs, quote, urlencode, urlsplit, urlunsplit

import psycopg

CONFIG: dict[str, Any] = json.loads(os.environ.get("FLOOR_CONFIG") or "{}")
CAP = int(CONFIG.get("LIST_COUNT_CAP", 1000))
_connection: psycopg.Connection | None = None


def _db() -> psycopg.Connection:
    """One connection per worker process, opened after the fork."""
    global _connection
    if _connection is None or _connection.closed:
        _connection = psycopg.connect(os.environ["FLOOR_DSN"], autocommit=True)
        _connection.execute("SET TIME ZONE 'UTC'")
    return _connection


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    text = value.astimezone(UTC).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _set_param(url: str, key: str, value: Any | None) -> str:
    """DRF's replace_query_param / remove_query_param (sorted keys), for the page links."""
    scheme, netloc, path, query, fragment = urlsplit(url)
    params = parse_qs(query, keep_blank_values=True)
    if value is None:
        params.pop(key, None)
    else:
        params[key] = [str(value)]
    return urlunsplit((scheme, netloc, path, urlencode(sorted(params.items()), doseq=True),
                       fragment))  # fmt: skip


def _page_size(query: dict[str, list[str]]) -> int:
    try:
        size = int(query.get("page_size", [""])[0])
    except ValueError:
        return 20
    return min(size, 100) if size > 0 else 20


def _answer(environ: dict, number: int, size: int, rows: list, results: list) -> bytes:
    offset = (number - 1) * size
    window = max(CAP, offset + size)
    if len(rows) < size:
        count, capped = offset + len(rows), False
    else:
        count, capped = min(rows[0][0], window), rows[0][0] > window
    query = environ.get("QUERY_STRING", "")
    url = f"http://{environ['HTTP_HOST']}{quote(environ['PATH_INFO'])}" + (
        f"?{query}" if query else ""
    )
    more = capped or number * size < count
    body = {
        "count": count,
        "count_capped": capped,
        "next": _set_param(url, "page", number + 1) if more else None,
        "previous": None
        if number == 1
        else _set_param(url, "page", None if number == 2 else number - 1),
        "results": results,
    }
    text = json.dumps(body, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029").encode()


# Creators ------------------------------------------------------------------------------------

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
FROM (SELECT c.id FROM creators_creatorprofile c WHERE NOT c.suspended {where}
      ORDER BY c.id LIMIT %(limit)s OFFSET %(offset)s) page
JOIN creators_creatorprofile c ON c.id = page.id
ORDER BY c.id
"""


def _ratio(part: int, whole: int, digits: int) -> float | None:
    return round(part / whole, digits) if whole else None


def creators(query: dict[str, list[str]], params: dict[str, Any]) -> tuple[str, Callable]:
    where = ""
    tags = [t.strip().lower() for t in ",".join(query.get("tags", [])).split(",") if t.strip()]
    for i, tag in enumerate(tags):
        params[f"tag{i}"] = json.dumps([tag])
        where += f" AND (c.tags @> %(tag{i})s::jsonb OR c.reel_tags @> %(tag{i})s::jsonb)"
    models = [m.strip() for m in ",".join(query.get("models", [])).split(",") if m.strip()]
    if models:
        params["models"] = models
        where += (
            " AND EXISTS (SELECT 1 FROM creators_creatorskill m"
            " WHERE m.creator_id = c.id AND m.model = ANY(%(models)s))"
        )

    def item(r: tuple) -> dict:
        return {
            "handle": r[1],
            "display_name": r[2],
            "bio": r[3] or None,
            "country": r[4] or None,
            "languages": r[5],
            "tags": r[6],
            "min_price_per_project": r[7],
            "price_per_second": r[8],
            "rate_currency": r[9] or None,
            "tier": r[10],
            "verified": r[11],
            "rating": _ratio(r[12], r[13], 2),
            "review_count": r[13],
            "completed_contracts": r[14],
            "on_time_rate": _ratio(r[15], r[14], 3),
            "last_active_at": _iso(r[16]),
            "skills": r[18],
            "created_at": _iso(r[17]),
        }

    return CREATORS_SQL.format(where=where), item


# Reels ---------------------------------------------------------------------------------------

REELS_SQL = """
SELECT (SELECT count(*) FROM (SELECT 1 FROM creators_reel r
        WHERE r.moderation = 'approved' AND NOT r.creator_suspended LIMIT %(window)s) w),
       r.id, c.handle, r.portfolio_id, r.title, r.description, r.tags, v.provider, v.model,
       v.video_url, v.thumbnail_url, v.prompt, v.mode, v.duration_s, v.width, v.height, v.fps,
       v.seed, v.provider_task_id, v.generated_at, v.plan, v.licence_verdict, l.conditions,
       r.moderation, r.rejection_reason, r.created_at, r.updated_at
FROM (SELECT r.id FROM creators_reel r WHERE r.moderation = 'approved' AND NOT r.creator_suspended
      ORDER BY r.id DESC LIMIT %(limit)s OFFSET %(offset)s) page
JOIN creators_reel r ON r.id = page.id
JOIN creators_generatedvideo v ON v.id = r.video_id
JOIN creators_creatorprofile c ON c.id = r.creator_id
LEFT JOIN creators_modellicence l ON l.id = v.licence_id
ORDER BY r.id DESC
"""


def reels(query: dict[str, list[str]], params: dict[str, Any]) -> tuple[str, Callable]:
    def item(r: tuple) -> dict:
        return {
            "id": r[1],
            "creator": r[2],
            "portfolio": r[3],
            "title": r[4],
            "description": r[5] or None,
            "tags": r[6],
            "video": {
                "provider": r[7],
                "model": r[8],
                "video_url": r[9],
                "thumbnail_url": r[10] or None,
                "prompt": r[11] or None,
                "mode": r[12],
                "duration_s": r[13],
                "width": r[14],
                "height": r[15],
                "fps": r[16],
                "seed": r[17],
                "provider_task_id": r[18] or None,
                "generated_at": _iso(r[19]),
                "plan": r[20] or None,
                "licence_verdict": r[21],
                "licence_conditions": r[22] or None,
            },
            "moderation": r[23],
            "rejection_reason": r[24] or None,
            "created_at": _iso(r[25]),
            "updated_at": _iso(r[26]),
        }

    return REELS_SQL, item


# Briefs --------------------------------------------------------------------------------------

BRIEFS_SQL = """
SELECT (SELECT count(*) FROM (SELECT 1 FROM campaigns_brief b
        WHERE b.status = 'open' AND b.visibility = 'public' LIMIT %(window)s) w),
       b.id, b.brand_id, br.name, b.ip_id, ip.name, b.title, b.description, b.tags,
       b.preferred_models, b.languages, b.deliverables, b.total_seconds, b.budget_min,
       b.budget_max, b.currency, b.bid_deadline, b.delivery_deadline, b.visibility, b.min_tier,
       b.slots, b.usage_exclusive, b.usage_territories, b.usage_term_months, b.usage_channels,
       b.usage_perpetual, b.commercial_licence_required, b.status, b.rejection_reason,
       b.submitted_at, b.approved_at, b.created_at, b.updated_at, br.verified, b.required
FROM (SELECT b.id FROM campaigns_brief b WHERE b.status = 'open' AND b.visibility = 'public'
      ORDER BY b.id DESC LIMIT %(limit)s OFFSET %(offset)s) page
JOIN campaigns_brief b ON b.id = page.id
JOIN campaigns_brand br ON br.id = b.brand_id
LEFT JOIN campaigns_ipasset ip ON ip.id = b.ip_id
ORDER BY b.id DESC
"""
DELIVERABLE_KEYS = ("count", "duration_s", "aspect_ratio", "resolution")


def _minor(major: Decimal, source: str, target: str) -> int | None:
    with localcontext() as ctx:
        ctx.prec = 50
        if source != target:
            fx = CONFIG["FX_TO_USD"]
            if source not in fx or target not in fx:
                return None
            major = major * Decimal(fx[source]) / Decimal(fx[target])
        minor = major.scaleb(CONFIG["CURRENCY_EXPONENTS"].get(target, 2))
        return int(minor.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def generation_cost(models: Iterable[str], seconds: int, currency: str) -> list[dict]:
    """The API's estimate: price per second × seconds × rerolls, in the brief's currency."""
    out = []
    for model in dict.fromkeys(models or ()):
        price = CONFIG["GENERATION_COST_PER_SECOND"].get(model)
        if price is None:
            continue
        major = Decimal(str(price["per_second"])) * int(seconds) * int(CONFIG["EXPECTED_REROLLS"])
        amount = _minor(major, price["currency"], currency)
        if amount is not None:
            out.append({"model": model, "currency": currency, "amount": amount})
    return out


def briefs(query: dict[str, list[str]], params: dict[str, Any]) -> tuple[str, Callable]:
    def item(r: tuple) -> dict:
        return {
            "id": r[1],
            "brand": r[2],
            "brand_name": r[3],
            "brand_verified": r[33],
            "ip": r[4],
            "ip_name": r[5],
            "title": r[6],
            "description": r[7],
            "tags": r[8],
            "preferred_models": r[9],
            "languages": r[10],
            # A brief that names no hard constraints requires none (REQUIRED_DEFAULT).
            "required": list(r[34]) if r[34] is not None else [],
            "deliverables": [{k: d.get(k) for k in DELIVERABLE_KEYS} for d in r[11]],
            "total_seconds": r[12],
            "generation_cost": generation_cost(r[9], r[12], r[15]),
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
                "territories": r[22],
                "term_months": r[23],
                "channels": r[24],
                "perpetual": r[25],
            },
            "commercial_licence_required": r[26],
            "status": r[27],
            "rejection_reason": r[28] or None,
            "submitted_at": _iso(r[29]),
            "approved_at": _iso(r[30]),
            "created_at": _iso(r[31]),
            "updated_at": _iso(r[32]),
        }

    return BRIEFS_SQL, item


ROUTES = {"/api/v1/creators/": creators, "/api/v1/reels/": reels, "/api/v1/briefs/": briefs}


def app(environ: dict, start_response: Callable) -> list[bytes]:
    route = ROUTES.get(environ.get("PATH_INFO", ""))
    query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
    try:
        number = int(query.get("page", ["1"])[0] or 1)
    except ValueError:
        number = 0
    if route is None or number < 1:
        start_response("404 Not Found", [("Content-Type", "application/json")])
        return [b'{"error":{"code":"not_found"}}']
    size = _page_size(query)
    offset = (number - 1) * size
    params: dict[str, Any] = {"limit": size, "offset": offset}
    params["window"] = max(CAP, offset + size) + 1
    sql, item = route(query, params)
    rows = _db().execute(sql, params).fetchall()
    if not rows and number > 1:
        start_response("404 Not Found", [("Content-Type", "application/json")])
        return [b'{"error":{"code":"not_found"}}']
    body = _answer(environ, number, size, rows, [item(r) for r in rows])
    start_response(
        "200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    )
    return [body]
