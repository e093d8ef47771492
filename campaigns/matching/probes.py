"""Where the top N can be (PostgreSQL): a few index probes instead of a scan of every creator.

A creator's style, tools and relevance come only from the evidence keys it holds: a creator
holding none of the brief's tags has style 0, none of its models or their providers tools 0,
none of its terms relevance 0. Split the brief's evidence into *units* (one tag, one model with
its provider, one term), each with the most it can add to a score (`Unit.room`). For a set
`kept` of units, every creator either

- holds a key of a kept unit: found through the GIN indexes on the evidence objects (part A),
  or
- holds none, and then scores at most `cheap + room(dropped units)`, where `cheap` is the part
  of the score read from the row's plain columns and small objects. Those that can still reach
  θ are found by one pass over a covering index of exactly those columns (part B, an
  index-only scan, no evidence read); when θ > (most `cheap` can be) + room(dropped), part B
  is empty and skipped.

Both parts are scored exactly and the best N of their union is the exact top N: every creator
left out provably scores below θ, which the N-th best already reaches. Which units to keep is
a cost choice only (correctness never depends on it): a small sample of the table
(`TABLESAMPLE`) estimates how many creators each choice reads, and when no choice reads much
less than the whole table, the ranking scans as before (`creators.creator_ranking_queryset`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import BooleanField, Expression, F, QuerySet, Subquery

from creators.evidence import provider_of
from creators.models import CreatorProfile

from .creator_sql import (
    CHEAP_FACTORS,
    COLUMNS,
    PRUNE_SLACK,
    CreatorScorePlan,
    CreatorSQL,
    Dialect,
    RowExpression,
    cat,
    join,
)

MIN_ROWS = 20_000  # below this many creators a scan is as quick as any plan
SAMPLE_ROWS = 2000  # creators read to estimate the cost of a choice
MAX_UNITS = 60  # a sampled row's held units fit one bigint mask
# Costs in units of one creator read by the scan, measured with bench/matching.py (2 cores,
# 100k and 1M creators): a creator found through an index and scored costs about two, a
# covering-index entry whose cheap part is computed about 0.15.
INDEX_ROW_COST = 2.0
INDEX_ENTRY_COST = 0.15
# Use the index plan only when it is estimated to cost less than this fraction of the scan.
# Measured (bench/matching.py briefs, forced index vs forced scan, interleaved): the index
# plan takes about 2.2× its estimate relative to the scan, so the two break even near 0.45.
# At 100k the broad brief (estimate 0.55) scans in 345 ms against 436 ms by index; at 1M the
# elite brief (0.42) takes 302 ms by index against 426 ms scanning.
WORTH_IT = 0.45

PROBE_WORK_MEM = "64MB"
# The cheap factors' own minimums are tested most selective and cheapest first.
TEST_ORDER = ("language", "quality", "reliability", "recency", "format", "budget")

Probe = tuple[str, str]  # (evidence column, key)


@dataclass(frozen=True)
class Unit:
    """Part of the brief's evidence: a row holding none of `probes` gets 0 from it, and at
    most `room` otherwise."""

    probes: tuple[Probe, ...]
    room: float


def units(plan: CreatorScorePlan) -> list[Unit]:
    """The brief's evidence units: one per tag, per preferred model (with its provider's
    evidence, which counts for it), per term (its share of relevance by idf)."""
    brief, weights = plan.brief, plan.weights
    out: list[Unit] = []
    if "style" in weights:
        out += [
            Unit((("tag_evidence", tag),), weights["style"] / len(brief.tags)) for tag in brief.tags
        ]
    if "tools" in weights:
        out += [
            Unit(
                (("model_evidence", model), ("provider_evidence", provider_of(model))),
                weights["tools"] / len(brief.models),
            )
            for model in brief.models
        ]
    if "relevance" in weights:
        total = 0.0
        for _, idf in brief.terms:
            total += idf
        out += [
            Unit((("terms", term),), weights["relevance"] * (idf / total if total > 0 else 1.0))
            for term, idf in brief.terms
        ]
    return out


@dataclass(frozen=True)
class IndexPlan:
    """Probe the kept units' keys (part A); rows holding none need `cheap` ≥ `cheap_floor`
    (part B, None when no row can)."""

    probes: tuple[Probe, ...]
    cheap_floor: float | None


def room(chosen: Iterable[Unit]) -> float:
    total = 0.0
    for unit in chosen:
        total += unit.room
    return total


def cheap_floor(plan: CreatorScorePlan, theta: float, dropped: Iterable[Unit]) -> float | None:
    """The `cheap` a row holding no kept key needs to possibly reach θ; None if none can.

    Every cheap factor is at most 1 (budget is clamped, and the profile's check constraints
    keep ratings at most five stars and on-time contracts at most the completed ones)."""
    floor = theta - room(dropped) - 2 * PRUNE_SLACK
    return None if floor > plan.room(CHEAP_FACTORS) + PRUNE_SLACK else floor


def choose(
    plan: CreatorScorePlan, theta: float, sample: list[tuple[float, int]], rows: float
) -> IndexPlan | None:
    """The cheapest split of the units by the sample's estimate, or None if scanning is.

    Units are dropped in order of how many sampled rows hold them per unit of room (broad,
    light units first); every prefix of that order is costed and the cheapest one is kept.
    """
    all_units = units(plan)
    if not all_units or len(all_units) > MAX_UNITS:
        return None
    n = max(len(sample), 1)
    scale = rows / n
    held = [sum(1 for _, mask in sample if mask >> i & 1) for i in range(len(all_units))]
    order = sorted(range(len(all_units)), key=lambda i: -held[i] / max(all_units[i].room, 1e-12))
    best: tuple[float, int] | None = None
    for k in range(len(order) + 1):
        dropped = order[:k]
        kept_mask = 0
        for i in order[k:]:
            kept_mask |= 1 << i
        floor = cheap_floor(plan, theta, [all_units[i] for i in dropped])
        in_a = sum(1 for _, mask in sample if mask & kept_mask)
        cost = INDEX_ROW_COST * in_a * scale
        if floor is not None:
            in_b = sum(1 for cheap, mask in sample if cheap >= floor and not mask & kept_mask)
            cost += INDEX_ENTRY_COST * rows + INDEX_ROW_COST * in_b * scale
        if best is None or cost < best[0]:
            best = (cost, k)
    forced = settings.MATCHING_CANDIDATES == "index"
    if best is None or (best[0] > WORTH_IT * rows and not forced):
        return None
    k = best[1]
    return IndexPlan(
        probes=tuple(dict.fromkeys(p for i in order[k:] for p in all_units[i].probes)),
        cheap_floor=cheap_floor(plan, theta, [all_units[i] for i in order[:k]]),
    )


def sample(plan: CreatorScorePlan, *, min_tier_rank: int, rows: float) -> list[tuple[float, int]]:
    """(cheap part, bit mask of the units held) of a repeatable sample of eligible creators."""
    d = Dialect(connection)
    columns = {name: f'"{name}"' for name in COLUMNS}
    cheap = plan.weighted(CHEAP_FACTORS, d, columns) or d.num(0.0)
    bits = [
        cat("CASE WHEN ", join(" OR ", [d.has_key(f'"{c}"', k) for c, k in unit.probes]),
            f" THEN {1 << i} ELSE 0 END")
        for i, unit in enumerate(units(plan)[:MAX_UNITS])
    ]  # fmt: skip
    mask = cat("(", join(" + ", bits), ")::int8") if bits else ("0", ())
    percent = min(100.0, 100.0 * SAMPLE_ROWS / max(rows, 1.0))
    sql, params = cat(
        "SELECT ", cheap, ", ", mask,
        f' FROM "{CreatorProfile._meta.db_table}" TABLESAMPLE SYSTEM (%s) REPEATABLE (7)'
        ' WHERE NOT "suspended" AND "tier_rank" >= %s',
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(sql, (*params, percent, min_tier_rank))
        return [(float(c), int(m)) for c, m in cursor.fetchall()]


class HoldsAny(Expression):
    """The row holds at least one of `probes` (a BitmapOr of GIN `?|` scans on PostgreSQL)."""

    output_field = BooleanField()

    def __init__(self, probes: Iterable[Probe]) -> None:
        super().__init__()
        by_column: dict[str, list[str]] = {}
        for column, key in probes:
            by_column.setdefault(column, []).append(key)
        self.keys = by_column
        self.columns = [F(column) for column in by_column]

    def get_source_expressions(self) -> list[Any]:
        return self.columns

    def set_source_expressions(self, exprs: list[Any]) -> None:
        self.columns = exprs

    def as_sql(self, compiler, connection):  # type: ignore[no-untyped-def]
        parts = []
        for col, keys in zip(self.columns, self.keys.values(), strict=True):
            parts.append((f"({compiler.compile(col)[0]} ?| %s::text[])", (sorted(set(keys)),)))
        return cat("(", join(" OR ", parts), ")")


class CheapAtLeast(RowExpression):
    """The row's `cheap` part is at least `floor` (reads only the covering index's columns)."""

    def __init__(self, plan: CreatorScorePlan, floor: float) -> None:
        super().__init__(BooleanField())
        self.plan = plan
        self.floor = floor

    def as_sql(self, compiler, connection):  # type: ignore[no-untyped-def]
        d = Dialect(connection)
        columns = self.row_columns(compiler)
        cheap = self.plan.weighted(CHEAP_FACTORS, d, columns) or d.num(0.0)
        # What each factor alone must reach if the sum is to (the others at most 1): tests of
        # one factor each, which reject most entries before the whole sum is computed.
        tests = []
        most = self.plan.room(CHEAP_FACTORS)
        for name in TEST_ORDER:
            weight = self.plan.weights.get(name, 0.0)
            need = self.floor - (most - weight) - PRUNE_SLACK
            if weight > 0 and need > 0:
                factor = self.plan.factor(name, d, columns)
                tests.append(cat("(", d.num(weight), " * (", factor, ")) >= ", d.num(need)))
        tests.append(cat("(", cheap, " >= ", d.num(self.floor), ")"))
        return cat("(", join(" AND ", tests), ")")


class PkInArray(Expression):
    """`id = ANY(ARRAY(subquery))`: the few ids are looked up by primary key, never hashed
    against a scan of the table."""

    output_field = BooleanField()

    def __init__(self, ids: QuerySet) -> None:
        super().__init__()
        self.pk = F("pk")
        self.ids = Subquery(ids)

    def get_source_expressions(self) -> list[Any]:
        return [self.pk, self.ids]

    def set_source_expressions(self, exprs: list[Any]) -> None:
        self.pk, self.ids = exprs

    def as_sql(self, compiler, connection):  # type: ignore[no-untyped-def]
        pk_sql, pk_params = compiler.compile(self.pk)
        ids_sql, ids_params = compiler.compile(self.ids)
        return f"({pk_sql} = ANY(ARRAY{ids_sql}))", (*pk_params, *ids_params)


def index_plan(
    plan: CreatorScorePlan, *, theta: float, min_tier_rank: int, rows: float
) -> IndexPlan | None:
    """The index plan for this brief and θ, or None to scan (SQLite, or not worth it)."""
    if connection.vendor != "postgresql":
        return None
    mode = settings.MATCHING_CANDIDATES
    if mode == "scan" or (mode != "index" and rows < MIN_ROWS):
        return None
    return choose(plan, theta, sample(plan, min_tier_rank=min_tier_rank, rows=rows), rows)


def ranked_by_index(
    base: QuerySet[CreatorProfile],
    plan: CreatorScorePlan,
    chosen: IndexPlan,
    *,
    limit: int,
    theta: float,
) -> list[tuple[int, float, int]]:
    """The exact top `limit` (id, score, completed contracts) of `base` (the eligible
    candidates) under `chosen`, for a θ the `limit`-th best reaches."""
    order = ("-score", "-completed_contracts", "pk")

    def scored(qs: QuerySet) -> QuerySet:
        return (
            qs.annotate(score=CreatorSQL(plan, "score"))
            .order_by(*order)
            .values_list("pk", "score", "completed_contracts")[:limit]
        )

    parts = []
    if chosen.probes:
        # The probed rows still pass the scan's θ bounds before their score is computed.
        probed = base.filter(HoldsAny(chosen.probes), CreatorSQL(plan, "bound", theta))
        if "relevance" in plan.weights:
            probed = probed.filter(CreatorSQL(plan, "bound_with_style", theta))
        parts.append(scored(probed))
    if chosen.cheap_floor is not None:
        ids = base.filter(CheapAtLeast(plan, chosen.cheap_floor)).values("pk")
        parts.append(scored(CreatorProfile.objects.order_by().filter(PkInArray(ids))))
    if not parts:
        return []
    ranked = parts[0] if len(parts) == 1 else parts[0].union(*parts[1:])
    if len(parts) > 1:
        ranked = ranked.order_by("-score", "-completed_contracts", "id")[:limit]
    with connection.cursor() as cursor:
        # The planner cannot estimate `?|` on jsonb and would scan; the sample said the probes
        # find few rows. Memory enough for their bitmaps to stay exact (not lossy pages whose
        # every row is rechecked). Local to the ranking's transaction (`sql.ranking_transaction`).
        cursor.execute(
            "SELECT set_config('enable_seqscan', 'off', true), set_config('work_mem', %s, true)",
            [PROBE_WORK_MEM],
        )
    return list(ranked)
