"""The creator-side factors of one brief as SQL text, wrapped as lean Django expressions.

Scoring 100k creators happens in the database; what Python pays is building the query. Built
from stock expressions (Case, Cast, Value, lookups …) the score is a tree of a few hundred
nodes that Django copies and resolves on every use, which took longer than running the query.
Here the whole formula is rendered once as SQL text over the row's columns, and the Django
expression only carries the dozen column references, so aliases still follow when it is used
inside a sub-query.

The text is written for the exact doubles of `campaigns.matching.reference`: integers are cast
to double before dividing, constants are bound parameters cast to double (a bare `0.3` would be
`numeric` on PostgreSQL), and each sum runs left to right in `FACTORS` order.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db.models import BooleanField, Expression, F, FloatField

from creators.models import CreatorProfile, CreatorSkill

from . import reference as ref
from . import sql

Fragment = tuple[str, tuple[Any, ...]]

# The row columns the formula reads, listed once in the reference.
COLUMNS = ref.SCORE_COLUMNS


def cat(*parts: Fragment | str) -> Fragment:
    """Concatenate fragments (plain strings carry no parameters)."""
    text, params = [], []
    for part in parts:
        if isinstance(part, str):
            text.append(part)
        else:
            text.append(part[0])
            params.extend(part[1])
    return "".join(text), tuple(params)


def join(separator: str, parts: Iterable[Fragment]) -> Fragment:
    parts = list(parts)
    out: list[Fragment | str] = []
    for i, part in enumerate(parts):
        if i:
            out.append(separator)
        out.append(part)
    return cat(*out)


class Dialect:
    """The few spellings that differ between PostgreSQL and SQLite."""

    def __init__(self, connection: Any) -> None:
        self.connection = connection
        self.pg = connection.vendor == "postgresql"

    def num(self, value: float) -> Fragment:
        return ("%s::float8" if self.pg else "CAST(%s AS REAL)"), (float(value),)

    def to_float(self, part: Fragment) -> Fragment:
        return cat("(", part, ")::float8") if self.pg else cat("CAST(", part, " AS REAL)")

    def has(self, column: str, item: str) -> Fragment:
        if self.pg:
            return f"({column} ? %s)", (item,)
        return f"EXISTS (SELECT 1 FROM json_each({column}) AS je WHERE je.value = %s)", (item,)

    def greatest(self, a: Fragment, b: Fragment) -> Fragment:
        return cat("GREATEST(" if self.pg else "MAX(", a, ", ", b, ")")

    def least(self, a: Fragment, b: Fragment) -> Fragment:
        return cat("LEAST(" if self.pg else "MIN(", a, ", ", b, ")")

    def when(self, instant: datetime) -> Fragment:
        return "%s", (self.connection.ops.adapt_datetimefield_value(instant),)

    def in_list(self, values: Iterable[str]) -> Fragment:
        values = tuple(values)
        return "(" + ", ".join(["%s"] * len(values)) + ")", values


class CreatorScorePlan:
    """Everything about one brief the creator-side SQL needs, computed once."""

    def __init__(self, brief: ref.BriefFacts, *, now: datetime) -> None:
        self.brief = brief
        self.tags = sorted(brief.tags)
        self.models = sorted(brief.models)
        self.languages = sorted(brief.languages)
        self.rates = sql.rates_to(brief.currency)
        self.cutoffs = ref.recency_cutoffs(now)
        self.weights = ref.weights()
        # Set when few creators hold any of the brief's tags (`holders_count`): the style bound
        # then skips the tag tests for everyone else with one hash probe.
        self.rare_tags = False

    def holders(self) -> Fragment:
        """PostgreSQL: ids of creators holding any of the brief's tags, found by the GIN indexes."""
        table = CreatorProfile._meta.db_table
        tests = join(
            " OR ",
            [
                (f"h.{column} @> %s::jsonb", (json.dumps([tag]),))
                for tag in self.tags
                for column in ("tags", "reel_tags")
            ],
        )
        return cat(f"SELECT h.id FROM {table} h WHERE ", tests)

    def holders_count(self, cap: int) -> Fragment:
        """PostgreSQL: how many creators hold any of the brief's tags, counting up to `cap`."""
        return cat("(SELECT COUNT(*) FROM (", self.holders(), (" LIMIT %s) s)", (cap,)))

    # One factor each, as SQL over the row's columns `c`.

    def style(self, d: Dialect, c: dict[str, str]) -> Fragment:
        if not self.tags:
            return d.num(0.0)
        hits = [
            cat("CASE WHEN (", d.has(c["tags"], t), " OR ", d.has(c["reel_tags"], t), ")")
            for t in self.tags
        ]
        matched = join(" + ", [cat(h, " THEN 1 ELSE 0 END") for h in hits])
        return cat(d.to_float(matched), " / ", d.num(len(self.tags)))

    def tools(self, d: Dialect, c: dict[str, str]) -> Fragment:
        if not self.models:
            return d.num(0.0)
        meta = CreatorSkill._meta
        used = cat(
            f"(SELECT COUNT(*) FROM {meta.db_table} sk "
            f"WHERE sk.{meta.get_field('creator').column} = {c['id']} "
            f"AND sk.{meta.get_field('reel_count').column} > 0 "
            f"AND sk.{meta.get_field('model').column} IN ",
            d.in_list(self.models),
            ")",
        )
        return cat(d.to_float(used), " / ", d.num(len(self.models)))

    def budget(self, d: Dialect, c: dict[str, str]) -> Fragment:
        has_card = cat(
            f"(({c['min_price_per_project']} IS NOT NULL OR {c['price_per_second']} IS NOT NULL)"
            f" AND {c['rate_currency']} IN ",
            d.in_list(self.rates),
            ")",
        )
        quote = d.greatest(
            (f"COALESCE({c['min_price_per_project']}, 0)", ()),
            (f"COALESCE({c['price_per_second']}, 0) * %s", (self.brief.total_seconds,)),
        )
        rate = cat(
            f"CASE {c['rate_currency']}",
            *[cat((" WHEN %s THEN ", (code,)), d.num(r)) for code, r in self.rates.items()],
            " END",
        )
        converted = cat(d.to_float(quote), " * (", rate, ")")
        linear = cat(
            "(",
            d.num(float(2 * self.brief.budget_max)),
            " - ",
            converted,
            ") / ",
            d.num(float(self.brief.budget_max)),
        )
        clamped = d.least(d.num(1.0), d.greatest(d.num(0.0), linear))
        return cat(
            "CASE WHEN ", has_card, " THEN ", clamped, " ELSE ", d.num(ref.NO_RATE_CARD), " END"
        )

    def quality(self, d: Dialect, c: dict[str, str]) -> Fragment:
        return cat(
            "(",
            d.num(ref.QUALITY_PRIOR),
            " + ",
            d.to_float((c["rating_sum"], ())),
            ") / ",
            d.to_float((f"{c['review_count']} + %s", (ref.PRIOR_COUNT,))),
            " / ",
            d.num(ref.MAX_STARS),
        )

    def reliability(self, d: Dialect, c: dict[str, str]) -> Fragment:
        return cat(
            "(",
            d.num(ref.RELIABILITY_PRIOR),
            " + ",
            d.to_float((c["on_time_contracts"], ())),
            ") / ",
            d.to_float((f"{c['completed_contracts']} + %s", (ref.PRIOR_COUNT,))),
        )

    def language(self, d: Dialect, c: dict[str, str]) -> Fragment:
        if not self.languages:
            return d.num(1.0)
        speaks = join(" OR ", [d.has(c["languages"], lang) for lang in self.languages])
        return cat("CASE WHEN (", speaks, ") THEN ", d.num(1.0), " ELSE ", d.num(0.0), " END")

    def recency(self, d: Dialect, c: dict[str, str]) -> Fragment:
        full, half = self.cutoffs
        last = c["last_active_at"]
        return cat(
            f"CASE WHEN {last} >= ",
            d.when(full),
            " THEN ",
            d.num(1.0),
            f" WHEN {last} >= ",
            d.when(half),
            " THEN ",
            d.num(0.5),
            " ELSE ",
            d.num(0.0),
            " END",
        )

    def factor(self, name: str, d: Dialect, c: dict[str, str]) -> Fragment:
        return getattr(self, name)(d, c)

    def weighted(self, names: Iterable[str], d: Dialect, c: dict[str, str]) -> Fragment:
        """((w₁·f₁ + w₂·f₂) + …) left to right, like the reference."""
        total: Fragment | None = None
        for name in names:
            term = cat("(", d.num(self.weights[name]), " * (", self.factor(name, d, c), "))")
            total = term if total is None else cat("(", total, " + ", term, ")")
        assert total is not None
        return total

    def render(self, part: str, d: Dialect, c: dict[str, str], threshold: float | None) -> Fragment:
        if part == "score":
            return self.weighted(ref.FACTORS, d, c)
        if part.startswith("factor:"):
            return cat("(", self.factor(part.removeprefix("factor:"), d, c), ")")
        # Upper bounds compared with θ: the cheap part plus whatever is not computed yet.
        w = self.weights
        tools_room = w["tools"] if self.models else 0.0
        cheap = self.weighted(CHEAP_FACTORS, d, c)
        if part == "bound":
            style_room = w["style"] if self.tags else 0.0
            bound = cat(cheap, " + ", d.num(style_room + tools_room + PRUNE_SLACK))
        elif part == "bound_with_style":
            style = self.style(d, c)
            if self.rare_tags and d.pg:
                # Exactly the style: it is 0 for a creator holding none of the tags.
                holds = cat(f"{c['id']} IN (", self.holders(), ")")
                style = cat("CASE WHEN ", holds, " THEN ", style, " ELSE ", d.num(0.0), " END")
            style = cat("(", d.num(w["style"]), " * (", style, "))")
            bound = cat("(", cheap, " + ", style, ") + ", d.num(tools_room + PRUNE_SLACK))
        else:
            raise ValueError(part)
        return cat("(", bound, ") >= ", d.num(threshold if threshold is not None else -1.0))


CHEAP_FACTORS = ("budget", "quality", "reliability", "language", "recency")
PRUNE_SLACK = 1e-9  # absorbs the rounding of summing a bound in another order than the score


class CreatorSQL(Expression):
    """One part of a `CreatorScorePlan` over the current row: "score", "factor:<name>", or the
    conditions "bound" / "bound_with_style" (≥ `threshold`)."""

    def __init__(self, plan: CreatorScorePlan, part: str, threshold: float | None = None) -> None:
        boolean = part.startswith("bound")
        super().__init__(output_field=BooleanField() if boolean else FloatField())
        self.plan = plan
        self.part = part
        self.threshold = threshold
        self.columns = [F(name) for name in COLUMNS]

    def get_source_expressions(self) -> list[Any]:
        return self.columns

    def set_source_expressions(self, exprs: list[Any]) -> None:
        self.columns = exprs

    def as_sql(self, compiler, connection):  # type: ignore[no-untyped-def]
        columns = {
            name: compiler.compile(col)[0] for name, col in zip(COLUMNS, self.columns, strict=True)
        }
        return self.plan.render(self.part, Dialect(connection), columns, self.threshold)
