"""The v2 formula as one hand-written PostgreSQL query, the yardstick of bench/matching.py.

Written the straightforward good way: one scan of the eligible creators computing every asked
factor from the row and its evidence objects (`->>` lookups, `?` tests), inactive users as a
hashed NOT IN, the quote once in a LATERAL, and the top N by a bounded sort. It scores every
eligible creator (no θ bound), as a first hand-written version would.
"""

from __future__ import annotations

from typing import Any

from matching_seed import NOW


def raw_sql(brief: Any, limit: int) -> tuple[str, dict[str, Any]]:
    from campaigns.matching import reference as ref
    from creators.evidence import provider_of

    facts = ref.BriefFacts.of(brief)
    nw = facts.normalised_weights()
    lines = facts.lines()
    params: dict[str, Any] = {}

    def p(value: Any) -> str:
        name = f"p{len(params)}"
        params[name] = value
        return f"%({name})s"

    def f(value: float) -> str:
        return f"{p(float(value))}::float8"

    def mean(parts: list[str]) -> str:
        return f"(({' + '.join(parts)}) / {f(len(parts))})"

    factors: dict[str, str] = {}
    if facts.tags:
        factors["style"] = mean(
            [f"COALESCE((c.tag_evidence ->> {p(t)})::float8, {f(0)})" for t in facts.tags]
        )
    if facts.terms:
        total = 0.0
        for _, idf in facts.terms:
            total += idf
        hits = [f"CASE WHEN c.terms ? {p(t)} THEN {f(i)} ELSE {f(0)} END" for t, i in facts.terms]
        factors["relevance"] = f"(({' + '.join(hits)}) / {f(total)})"
    if facts.models:
        factors["tools"] = mean(
            [
                f"COALESCE((c.model_evidence ->> {p(m)})::float8, "
                f"(c.provider_evidence ->> {p(provider_of(m))})::float8, {f(0)})"
                for m in facts.models
            ]
        )
    if facts.deliverables:
        factors["format"] = mean(
            [
                f"CASE WHEN (c.formats ->> {p(a)})::int >= {p(need)} THEN {f(1)} "
                f"WHEN c.formats ? {p(a)} THEN {f(0.5)} ELSE {f(0)} END"
                for a, need in facts.deliverables
            ]
        )
    if lines:
        by = lambda pick: " ".join(  # noqa: E731
            f"WHEN {p(code)} THEN {pick(line)}" for code, line in lines.items()
        )
        factors["budget"] = (
            f"CASE WHEN q.quote IS NULL OR c.rate_currency NOT IN "
            f"({', '.join(p(code) for code in lines)}) THEN {f(0.5)} "
            f"WHEN q.quote <= (CASE c.rate_currency {by(lambda ln: f'{p(ln.full)}::int8')} END) "
            f"THEN {f(1)} "
            f"WHEN q.quote >= (CASE c.rate_currency {by(lambda ln: f'{p(ln.zero)}::int8')} END) "
            f"THEN {f(0)} "
            f"ELSE least({f(1)}, greatest({f(0)}, ({f(2 * facts.budget_max)} - q.quote::float8 "
            f"* (CASE c.rate_currency {by(lambda ln: f(ln.rate))} END)) / {f(facts.budget_max)})) "
            "END"
        )
    else:
        factors["budget"] = f(0.5)
    factors["quality"] = (
        f"({f(17.5)} + c.rating_sum::float8) / (c.review_count + 5)::float8 / {f(5)}"
    )
    factors["reliability"] = (
        f"({f(4.0)} + c.on_time_contracts::float8) / (c.completed_contracts + 5)::float8"
    )
    if facts.languages:
        factors["language"] = (
            f"CASE WHEN c.languages ?| {p(sorted(facts.languages))}::text[] "
            f"THEN {f(1)} ELSE {f(0)} END"
        )
    full, half = ref.recency_cutoffs(NOW)
    factors["recency"] = (
        f"CASE WHEN c.last_active_at >= {p(full)} THEN {f(1)} "
        f"WHEN c.last_active_at >= {p(half)} THEN {f(0.5)} ELSE {f(0)} END"
    )
    score = "0.0::float8"
    for name in ref.FACTORS:
        if name in nw:
            term = f"({f(nw[name])} * ({factors[name]}))"
            score = term if score == "0.0::float8" else f"({score} + {term})"
    sql = f"""
    SELECT c.id, {score} AS score
    FROM creators_creatorprofile c
    CROSS JOIN LATERAL (SELECT CASE
        WHEN c.min_price_per_project IS NULL AND c.price_per_second IS NULL THEN NULL
        ELSE greatest(coalesce(c.min_price_per_project, 0),
                      coalesce(c.price_per_second, 0) * {p(facts.total_seconds)}) END AS quote) q
    WHERE NOT c.suspended AND c.tier_rank >= {p(facts.min_tier_rank)}
      AND c.user_id NOT IN (SELECT id FROM marketplace_user WHERE NOT is_active)
    ORDER BY score DESC, c.completed_contracts DESC, c.id
    LIMIT {p(limit)}
    """
    return sql, params
