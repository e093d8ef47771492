"""The three rankings the benchmark compares, each a function from brief index to handles.

(a) asks the running product, so it measures whatever the branch computes; (b) is a frozen
copy of v1 and (c) a plain evidence count, both over rows read straight from the tables, so
they stay fixed reference points while the product's matching changes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import match_world as mw
from match_quality_load import PASSWORD, api_client, ok
from match_quality_metrics import K

# (a) product -------------------------------------------------------------------------------------


def product_ranking(world: mw.World, ids: list[int]) -> Callable[[int], list[str]]:
    """(a) The matches endpoint as the brief's brand owner; returns handles, best first."""
    tokens: dict[int, str] = {}
    anon = api_client()

    def token(brand: int) -> str:
        if brand not in tokens:
            body = ok(
                anon.post(
                    "/api/v1/auth/token/",
                    {"email": f"brand{brand}@mq.bench", "password": PASSWORD},
                    format="json",
                ),
                200,
            )
            tokens[brand] = body["access"]
        return tokens[brand]

    def rank(i: int) -> list[str]:
        client = api_client(token(world.briefs[i].brand))
        body = ok(client.get(f"/api/v1/briefs/{ids[i]}/matches/?limit={K}"), 200)
        return [row["creator"]["handle"] for row in body["results"]]

    return rank


# (b) frozen v1 -----------------------------------------------------------------------------------

V1_WEIGHTS = {
    "style": 0.30,
    "tools": 0.15,
    "budget": 0.15,
    "quality": 0.15,
    "reliability": 0.10,
    "language": 0.10,
    "recency": 0.05,
}
V1_FX_TO_USD = {"USD": "1", "EUR": "1.08", "GBP": "1.27", "JPY": "0.0067", "CNY": "0.14"}
V1_EXPONENTS = {"USD": 2, "EUR": 2, "GBP": 2, "JPY": 0, "CNY": 2}
TIER_RANK = {"standard": 0, "partner": 1, "elite": 2}


def v1_fx_rate(source: str, target: str) -> float | None:
    if source == target:
        return 1.0
    if source not in V1_FX_TO_USD or target not in V1_FX_TO_USD:
        return None
    shift = V1_EXPONENTS.get(target, 2) - V1_EXPONENTS.get(source, 2)
    return float(
        Decimal(V1_FX_TO_USD[source]) / Decimal(V1_FX_TO_USD[target]) * Decimal(10) ** shift
    )


def load_rows() -> tuple[list[dict[str, Any]], dict[int, list[tuple[list[str], str]]]]:
    """Creator rows and their approved reels (tags, model) straight from the tables."""
    from creators.models import CreatorProfile, Reel

    creators = list(
        CreatorProfile.objects.order_by("id").values(
            "id",
            "handle",
            "tags",
            "languages",
            "min_price_per_project",
            "price_per_second",
            "rate_currency",
            "rating_sum",
            "review_count",
            "completed_contracts",
            "on_time_contracts",
            "last_active_at",
            "suspended",
            "tier",
            "user__is_active",
        )
    )
    reels: dict[int, list[tuple[list[str], str]]] = defaultdict(list)
    for creator_id, tags, model in Reel.objects.filter(moderation="approved").values_list(
        "creator_id", "tags", "video__model"
    ):
        reels[creator_id].append((tags or [], model))
    return creators, reels


def load_briefs(ids: list[int]) -> list[dict[str, Any]]:
    from campaigns.models import Brief

    rows = {
        b["id"]: b
        for b in Brief.objects.filter(pk__in=ids).values(
            "id",
            "tags",
            "preferred_models",
            "languages",
            "total_seconds",
            "budget_max",
            "currency",
            "min_tier",
        )
    }
    return [rows[i] for i in ids]


def _eligible(brief: dict[str, Any], c: dict[str, Any]) -> bool:
    return (
        c["user__is_active"]
        and not c["suspended"]
        and TIER_RANK[c["tier"]] >= TIER_RANK[brief["min_tier"]]
    )


def v1_ranking(
    briefs: list[dict[str, Any]], creators: list[dict[str, Any]], reels: dict[int, list]
) -> Callable[[int], list[str]]:
    """(b) Matching v1, frozen: same rules, weights and float arithmetic as the v1 reference."""
    from django.utils import timezone

    now = timezone.now()
    full, half = now - timedelta(days=30), now - timedelta(days=90)
    facts = {}
    for c in creators:
        rs = reels.get(c["id"], [])
        facts[c["id"]] = (
            set(c["tags"] or ()) | {t for tags, _ in rs for t in tags},
            {m for _, m in rs},
            set(c["languages"] or ()),
        )

    def score(b: dict[str, Any], c: dict[str, Any]) -> float:
        tags, models, langs = facts[c["id"]]
        btags, bmodels, blangs = set(b["tags"]), set(b["preferred_models"]), set(b["languages"])
        style = len(btags & tags) / len(btags) if btags else 0.0
        tools = len(bmodels & models) / len(bmodels) if bmodels else 0.0
        if c["min_price_per_project"] is None and c["price_per_second"] is None:
            amount = None
        else:
            amount = max(
                c["min_price_per_project"] or 0, (c["price_per_second"] or 0) * b["total_seconds"]
            )
        rate = v1_fx_rate(c["rate_currency"], b["currency"])
        if amount is None or rate is None:
            budget = 0.5
        else:
            converted = float(amount) * rate
            limit, twice = float(b["budget_max"]), float(2 * b["budget_max"])
            budget = (
                1.0
                if converted <= limit
                else 0.0
                if converted >= twice
                else (twice - converted) / limit
            )
        quality = (17.5 + float(c["rating_sum"])) / float(c["review_count"] + 5) / 5.0
        reliability = (4.0 + float(c["on_time_contracts"])) / float(c["completed_contracts"] + 5)
        language = 1.0 if not blangs or blangs & langs else 0.0
        last = c["last_active_at"]
        recency = 0.0 if last is None else 1.0 if last >= full else 0.5 if last >= half else 0.0
        factors = {
            "style": style,
            "tools": tools,
            "budget": budget,
            "quality": quality,
            "reliability": reliability,
            "language": language,
            "recency": recency,
        }
        total = 0.0
        for name, weight in V1_WEIGHTS.items():
            total += weight * factors[name]
        return total

    def rank(i: int) -> list[str]:
        b = briefs[i]
        rows = [(score(b, c), c) for c in creators if _eligible(b, c)]
        rows.sort(key=lambda r: (-r[0], -r[1]["completed_contracts"], r[1]["id"]))
        return [c["handle"] for _, c in rows[:K]]

    return rank


def evidence_ranking(
    briefs: list[dict[str, Any]], creators: list[dict[str, Any]], reels: dict[int, list]
) -> Callable[[int], list[str]]:
    """(c) Approved reels carrying a brief tag (else a preferred model, else any)."""

    def evidence(b: dict[str, Any], c: dict[str, Any]) -> int:
        rs = reels.get(c["id"], [])
        if b["tags"]:
            wanted = set(b["tags"])
            return sum(1 for tags, _ in rs if wanted & set(tags))
        if b["preferred_models"]:
            return sum(1 for _, m in rs if m in b["preferred_models"])
        return len(rs)

    def rank(i: int) -> list[str]:
        b = briefs[i]
        rows = [(evidence(b, c), c) for c in creators if _eligible(b, c)]
        rows.sort(key=lambda r: (-r[0], -r[1]["completed_contracts"], r[1]["id"]))
        return [c["handle"] for _, c in rows[:K]]

    return rank
