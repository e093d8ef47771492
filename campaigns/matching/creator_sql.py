"""The creator-side factors of one brief as SQL text, wrapped as lean Django expressions.

Scoring 100k creators happens in the database; what Python pays is building the query. The
whole formula is rendered once as SQL text over the row's columns (per-brief constants bound
as parameters), and the Django expression only carries the column references, so aliases still
follow when it is used inside a sub-query.

The text is written for the exact doubles of `campaigns.matching.reference`: integers are cast
to double before dividing, constants are bound parameters cast to double (a bare `0.3` would be
`numeric` on PostgreSQL), stored evidence is read back as the double it was written as, and
each sum runs left to right in the reference's order. Budget boundaries are integer
comparisons against thresholds computed exactly in Python (`budget_lines`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db.models import BooleanField, Expression, F, FloatField

from creators.evidence import provider_of

from . import reference as ref

Fragment = tuple[str, tuple[Any, ...]]

# The row columns the formula reads, listed once in the reference.
COLUMNS = ref.SCORE_COLUMNS
# Read from small objects and the row itself: the part of the score bounded first.
CHEAP_FACTORS = ("format", "budget", "quality", "reliability", "language", "recency")
# Absorbs the rounding of summing a bound in another order than the score, and the rounding of
# the score to millionths (which can raise it by half a millionth).
PRUNE_SLACK = 1e-6
# The brief's most common terms, up to this share of relevance, are bounded by their room; the
# rest by one `?|` test of the row's terms (see `CreatorScorePlan.relevance_bound`).
COMMON_TERMS_SHARE = 0.2


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
    out: list[Fragment | str] = []
    for i, part in enumerate(parts):
        if i:
            out.append(separator)
        out.append(part)
    return cat(*out)


def json_path(key: str) -> str:
    """SQLite JSON path of an object key (keys are slugs, model names or terms: no quotes)."""
    return '$."' + key.replace('"', "") + '"'


class Dialect:
    """The few spellings that differ between PostgreSQL and SQLite."""

    def __init__(self, connection: Any) -> None:
        self.connection = connection
        self.pg = connection.vendor == "postgresql"

    def num(self, value: float) -> Fragment:
        return ("%s::float8" if self.pg else "CAST(%s AS REAL)"), (float(value),)

    def integer(self, value: int) -> Fragment:
        return ("%s::int8" if self.pg else "%s"), (int(value),)

    def to_float(self, part: Fragment) -> Fragment:
        return cat("(", part, ")::float8") if self.pg else cat("CAST(", part, " AS REAL)")

    def value(self, column: str, key: str) -> Fragment:
        """The number under `key` in the JSON object `column`, as a double; NULL if absent."""
        if self.pg:
            return f"(({column} ->> %s)::float8)", (key,)
        return f"CAST(json_extract({column}, %s) AS REAL)", (json_path(key),)

    def rank(self, column: str, key: str) -> Fragment:
        """The integer stored under `key` in the JSON object `column`; NULL if absent."""
        if self.pg:
            return f"(({column} ->> %s)::int)", (key,)
        return f"json_extract({column}, %s)", (json_path(key),)

    def has_key(self, column: str, key: str) -> Fragment:
        """The JSON object `column` has `key`."""
        if self.pg:
            return f"({column} ? %s)", (key,)
        return f"(json_type({column}, %s) IS NOT NULL)", (json_path(key),)

    def has_all_keys(self, column: str, keys: Iterable[str]) -> Fragment:
        """The JSON object `column` has every one of `keys` (PostgreSQL: `?&`, GIN-indexed)."""
        keys = sorted(set(keys))
        if self.pg:
            return f"({column} ?& %s::text[])", (keys,)
        return cat("(", join(" AND ", [self.has_key(column, k) for k in keys]), ")")

    def has_any_key(self, column: str, keys: Iterable[str]) -> Fragment:
        """The JSON object `column` has at least one of `keys` (PostgreSQL: `?|`)."""
        keys = sorted(set(keys))
        if self.pg:
            return f"({column} ?| %s::text[])", (keys,)
        return cat("(", join(" OR ", [self.has_key(column, k) for k in keys]), ")")

    def has_item(self, column: str, item: str) -> Fragment:
        """The JSON list `column` holds `item`."""
        if self.pg:
            return f"({column} ? %s)", (item,)
        return f"EXISTS (SELECT 1 FROM json_each({column}) AS je WHERE je.value = %s)", (item,)

    def floor(self, part: Fragment) -> Fragment:
        """⌊x⌋ as a double (SQLite: from the truncation, one less below a negative fraction)."""
        if self.pg:
            return cat("floor(", part, ")")
        return cat(
            "(CAST(CAST(", part, " AS INTEGER) AS REAL) - CASE WHEN (", part,
            ") < CAST(CAST(", part, " AS INTEGER) AS REAL) THEN 1.0 ELSE 0.0 END)",
        )  # fmt: skip

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
        self.asked = brief.asked()
        self.weights = brief.normalised_weights()
        self.lines = brief.lines()
        self.cutoffs = ref.recency_cutoffs(now)
        self.required = brief.constraints()
        self.gaps = brief.gap_penalties()

    # One factor each, as SQL over the row's columns `c`.

    def mean(self, d: Dialect, parts: list[Fragment]) -> Fragment:
        return cat("((", join(" + ", parts), ") / ", d.num(float(len(parts))), ")")

    def style(self, d: Dialect, c: dict[str, str]) -> Fragment:
        parts = [
            cat("COALESCE(", d.value(c["tag_evidence"], t), ", ", d.num(0.0), ")")
            for t in self.brief.tags
        ]
        return self.mean(d, parts)

    def relevance(self, d: Dialect, c: dict[str, str]) -> Fragment:
        hits = [
            cat("(", d.num(idf), " * COALESCE(", d.value(c["terms"], t), ", ", d.num(0.0), "))")
            for t, idf in self.brief.terms
        ]
        total = 0.0
        for _, idf in self.brief.terms:
            total += idf
        return cat("((", join(" + ", hits), ") / ", d.num(total), ")")

    def tool(self, m: str, d: Dialect, c: dict[str, str]) -> Fragment:
        return cat(
            "COALESCE(",
            d.value(c["model_evidence"], m),
            ", ",
            d.value(c["provider_evidence"], provider_of(m)),
            ", ",
            d.num(0.0),
            ")",
        )

    def tools(self, d: Dialect, c: dict[str, str]) -> Fragment:
        return self.mean(d, [self.tool(m, d, c) for m in self.brief.models])

    def format(self, d: Dialect, c: dict[str, str]) -> Fragment:
        parts = []
        for aspect, need in self.brief.deliverables:
            rank = d.rank(c["formats"], aspect)
            parts.append(
                cat("CASE WHEN ", rank, (" >= %s THEN ", (need,)), d.num(1.0),
                    " WHEN ", rank, " IS NOT NULL THEN ", d.num(0.5), " ELSE ", d.num(0.0), " END")
            )  # fmt: skip
        return self.mean(d, parts)

    def budget(self, d: Dialect, c: dict[str, str]) -> Fragment:
        if self.lines is None or not self.lines:
            return d.num(ref.NO_RATE_CARD)
        currency = c["rate_currency"]
        quote = d.greatest(
            (f"COALESCE({c['min_price_per_project']}, 0)", ()),
            (f"COALESCE({c['price_per_second']}, 0) * %s", (self.brief.total_seconds,)),
        )

        def per_currency(pick: Any) -> Fragment:
            return cat(
                f"CASE {currency}",
                *[
                    cat((" WHEN %s THEN ", (code,)), pick(line))
                    for code, line in self.lines.items()
                ],
                " END",
            )

        full = per_currency(lambda line: d.integer(line.full))
        zero = per_currency(lambda line: d.integer(line.zero))
        rate = per_currency(lambda line: d.num(line.rate))
        limit = float(self.brief.budget_max)
        linear = cat(
            "(",
            d.num(float(2 * self.brief.budget_max)),
            " - ",
            d.to_float(quote),
            " * (",
            rate,
            ")) / ",
            d.num(limit),
        )
        clamped = d.least(d.num(1.0), d.greatest(d.num(0.0), linear))
        has_card = cat(
            f"(({c['min_price_per_project']} IS NOT NULL OR {c['price_per_second']} IS NOT NULL)"
            f" AND {currency} IN ",
            d.in_list(self.lines),
            ")",
        )
        return cat(
            "CASE WHEN NOT ", has_card, " THEN ", d.num(ref.NO_RATE_CARD),
            " WHEN ", quote, " <= (", full, ") THEN ", d.num(1.0),
            " WHEN ", quote, " >= (", zero, ") THEN ", d.num(0.0),
            " ELSE ", clamped, " END",
        )  # fmt: skip

    def quality(self, d: Dialect, c: dict[str, str]) -> Fragment:
        return cat(
            "(",
            d.num(self.brief.quality_prior),
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
            d.num(self.brief.reliability_prior),
            " + ",
            d.to_float((c["on_time_contracts"], ())),
            ") / ",
            d.to_float((f"{c['completed_contracts']} + %s", (ref.PRIOR_COUNT,))),
        )

    def language(self, d: Dialect, c: dict[str, str]) -> Fragment:
        speaks = join(
            " OR ", [d.has_item(c["languages"], lang) for lang in sorted(self.brief.languages)]
        )
        return cat("CASE WHEN (", speaks, ") THEN ", d.num(1.0), " ELSE ", d.num(0.0), " END")

    def recency(self, d: Dialect, c: dict[str, str]) -> Fragment:
        full, half = self.cutoffs
        last = c["last_active_at"]
        return cat(
            f"CASE WHEN {last} >= ", d.when(full), " THEN ", d.num(1.0),
            f" WHEN {last} >= ", d.when(half), " THEN ", d.num(0.5),
            " ELSE ", d.num(0.0), " END",
        )  # fmt: skip

    def factor(self, name: str, d: Dialect, c: dict[str, str]) -> Fragment:
        return getattr(self, name)(d, c)

    # Constraints: the gaps (shares, as the reference sums them) and the misses (0 or 1).

    def gap(self, name: str, d: Dialect, c: dict[str, str]) -> Fragment:
        if name == "formats":
            parts = [
                cat("CASE WHEN ", d.rank(c["formats"], aspect), " IS NULL THEN ", d.num(1.0),
                    " ELSE ", d.num(0.0), " END")
                for aspect, _ in self.brief.deliverables
            ]  # fmt: skip
        else:
            parts = [
                cat("CASE WHEN ", self.tool(m, d, c), " = ", d.num(0.0), " THEN ", d.num(1.0),
                    " ELSE ", d.num(0.0), " END")
                for m in self.brief.models
            ]  # fmt: skip
        return self.mean(d, parts)

    def missing(self, name: str, d: Dialect, c: dict[str, str]) -> Fragment:
        """1 when the row misses the constraint `name`, else 0 (an integer)."""
        if name == "languages":
            speaks = join(
                " OR ", [d.has_item(c["languages"], lang) for lang in sorted(self.brief.languages)]
            )
            return cat("CASE WHEN (", speaks, ") THEN 0 ELSE 1 END")
        return cat("CASE WHEN (", self.gap(name, d, c), ") > ", d.num(0.0), " THEN 1 ELSE 0 END")

    def misses(self, d: Dialect, c: dict[str, str], names: Iterable[str] | None = None) -> Fragment:
        """How many of the constraints in force (or of `names` among them) the row misses."""
        chosen = [n for n in self.required if names is None or n in names]
        if not chosen:
            return ("0", ())
        return cat("(", join(" + ", [self.missing(n, d, c) for n in chosen]), ")")

    def penalised(self, d: Dialect, c: dict[str, str]) -> Fragment:
        """The weighted sum less the gap penalties, in the reference's order."""
        total = self.weighted(ref.FACTORS, d, c) or d.num(0.0)
        for name, penalty in self.gaps.items():
            total = cat("(", total, " - ", d.num(penalty), " * (", self.gap(name, d, c), "))")
        return total

    def final(self, d: Dialect, c: dict[str, str]) -> Fragment:
        """⌊base × 10⁶ + 0.5⌋ / 10⁶ − misses, as the reference computes it."""
        scaled = cat("(", self.penalised(d, c), " * ", d.num(float(ref.PRECISION)), " + ",
                     d.num(0.5), ")")  # fmt: skip
        return cat(
            "(", d.floor(scaled), " / ", d.num(float(ref.PRECISION)), " - ",
            d.to_float(self.misses(d, c)), ")",
        )  # fmt: skip

    def weighted(self, names: Iterable[str], d: Dialect, c: dict[str, str]) -> Fragment | None:
        """((w₁·f₁ + w₂·f₂) + …) left to right over the asked `names`, like the reference."""
        total: Fragment | None = None
        for name in names:
            if name not in self.weights:
                continue
            term = cat("(", d.num(self.weights[name]), " * (", self.factor(name, d, c), "))")
            total = term if total is None else cat("(", total, " + ", term, ")")
        return total

    def relevance_bound(self, d: Dialect, c: dict[str, str]) -> Fragment:
        """At least the row's weighted relevance, for one test instead of one per term: the
        room of the brief's commonest terms (low idf, held by many), plus the room of the rest
        if the row holds any of them."""
        weight = self.weights["relevance"]
        total = 0.0
        for _, idf in self.brief.terms:
            total += idf
        rooms = sorted(
            ((weight * idf / total if total > 0 else weight), term)
            for term, idf in self.brief.terms
        )
        common = rare = 0.0
        rare_terms = []
        for share, term in rooms:
            if not rare_terms and common + share <= COMMON_TERMS_SHARE * weight:
                common += share
            else:
                rare += share
                rare_terms.append(term)
        if not rare_terms:
            return d.num(common)
        holds = d.has_any_key(c["terms"], rare_terms)
        return cat(
            "(", d.num(common), " + CASE WHEN ", holds, " THEN ", d.num(rare),
            " ELSE ", d.num(0.0), " END)",
        )  # fmt: skip

    def room(self, names: Iterable[str]) -> float:
        """The most the asked factors among `names` can add."""
        total = 0.0
        for name in names:
            total += self.weights.get(name, 0.0)
        return total

    def render(self, part: str, d: Dialect, c: dict[str, str], threshold: float | None) -> Fragment:
        if part == "score":
            return self.final(d, c)
        if part.startswith("factor:"):
            return cat("(", self.factor(part.removeprefix("factor:"), d, c), ")")
        # Upper bounds compared with θ: what is computed so far plus the room of the rest.
        if part == "bound":
            known = self.weighted(CHEAP_FACTORS, d, c) or d.num(0.0)
            rest = self.room(("style", "tools"))
            if "relevance" in self.weights:
                known = cat("(", known, " + ", self.relevance_bound(d, c), ")")
        elif part == "bound_with_style":
            known = self.weighted((*CHEAP_FACTORS, "style", "tools"), d, c) or d.num(0.0)
            rest = 0.0
            if "relevance" in self.weights:
                known = cat("(", known, " + ", self.relevance_bound(d, c), ")")
        else:
            raise ValueError(part)
        # Missing a language or a format is read from the row's small columns: it lowers the
        # bound by a whole point, like the score.
        cheap_misses = d.to_float(self.misses(d, c, ("languages", "formats")))
        bound = cat("((", known, " + ", d.num(rest + PRUNE_SLACK), ") - ", cheap_misses, ")")
        return cat(bound, " >= ", d.num(threshold if threshold is not None else -1.0))


class RowExpression(Expression):
    """An expression over the score columns of the current row (`COLUMNS`), compiled so that
    aliases still follow when it is used inside a sub-query."""

    def __init__(self, output_field: Any) -> None:
        super().__init__(output_field=output_field)
        self.columns = [F(name) for name in COLUMNS]

    def get_source_expressions(self) -> list[Any]:
        return self.columns

    def set_source_expressions(self, exprs: list[Any]) -> None:
        self.columns = exprs

    def row_columns(self, compiler: Any) -> dict[str, str]:
        """Column name → its SQL in this query."""
        return {
            name: compiler.compile(col)[0] for name, col in zip(COLUMNS, self.columns, strict=True)
        }


class CreatorSQL(RowExpression):
    """One part of a `CreatorScorePlan` over the current row: "score", "factor:<name>", or the
    conditions "bound" / "bound_with_style" (≥ `threshold`)."""

    def __init__(self, plan: CreatorScorePlan, part: str, threshold: float | None = None) -> None:
        boolean = part.startswith("bound")
        super().__init__(BooleanField() if boolean else FloatField())
        self.plan = plan
        self.part = part
        self.threshold = threshold

    def as_sql(self, compiler, connection):  # type: ignore[no-untyped-def]
        columns = self.row_columns(compiler)
        return self.plan.render(self.part, Dialect(connection), columns, self.threshold)


class SeedCondition(Expression):
    """The row's evidence object `column` holds every one of `keys` (or, with `any_`, at least
    one of them): a seed group for θ."""

    output_field = BooleanField()

    def __init__(self, column: str, keys: Iterable[str], *, any_: bool = False) -> None:
        super().__init__()
        self.column = F(column)
        self.keys = sorted(set(keys))
        self.any = any_

    def get_source_expressions(self) -> list[Any]:
        return [self.column]

    def set_source_expressions(self, exprs: list[Any]) -> None:
        (self.column,) = exprs

    def as_sql(self, compiler, connection):  # type: ignore[no-untyped-def]
        column = compiler.compile(self.column)[0]
        d = Dialect(connection)
        return d.has_any_key(column, self.keys) if self.any else d.has_all_keys(column, self.keys)
