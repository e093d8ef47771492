"""The track record behind the counters: past briefs of the same brands and the jobs done on them.

A creator's completed contracts are drawn as jobs on past briefs written like today's (tags,
preferred models, deliverables, languages, budget): a brand hires a creator for a brief in a
style the creator works in and a language they speak. Each job has an on-time flag (from the
hidden reliability), a number of revisions (from the hidden quality) and, three times in four,
the brand's review: 1-5 stars from the creator's hidden fit for THAT brief (its style, models and
formats — `grading.utility`) plus noise. So reviews are evidence of skill in a style and model
that the creator did not write themselves. The loader turns these into real rows (briefs, bids,
contracts, milestones, reviews).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from .grading import utility
from .specs import BriefSpec, CreatorSpec
from .vocab import STYLE_NAMES

PAST_PER_STYLE = 8  # past briefs per style


@dataclass
class PastJob:
    brief: int  # index into World.past_briefs
    amount_usd_cents: int
    on_time: bool
    revisions: int
    stars: int | None  # the brand's review, None if the brand left none
    days_ago: int  # when the work was delivered


def draw_history(
    rng: random.Random,
    creators: list[CreatorSpec],
    jobs: dict[int, int],
    make_brief: Callable[[random.Random, int, int], BriefSpec],
    *,
    n_brands: int,
) -> list[BriefSpec]:
    """Draw past briefs and each creator's jobs on them; fill the creators' counters."""
    past: list[BriefSpec] = []
    by_style: dict[str, list[int]] = {s: [] for s in STYLE_NAMES}
    for i in range(PAST_PER_STYLE * len(STYLE_NAMES)):
        b = make_brief(rng, i, rng.randrange(n_brands))
        primary = next(iter(b.styles))
        b.days_ago = rng.randint(40, 720)
        b.payload["min_tier"] = "standard"
        by_style[primary].append(len(past))
        past.append(b)
    for c in creators:
        n = jobs.get(c.index, 0)
        if not n:
            continue
        styles = list(c.skills)
        weights = [c.skills[s] ** 2 for s in styles]
        candidates = {
            s: [
                i
                for i in by_style[s]
                if not past[i].payload["languages"]
                or set(past[i].payload["languages"]) & set(c.languages)
            ]
            for s in styles
        }
        taken: set[int] = set()
        for _ in range(n):
            style = rng.choices(styles, weights)[0]
            free = [i for i in candidates[style] if i not in taken]
            if not free:
                continue
            i = rng.choice(free)
            taken.add(i)
            b = past[i]
            u = utility(b, c)
            stars = None
            if rng.random() < 0.75:
                stars = min(5, max(1, round(rng.gauss(1.0 + 4.0 * min(1.0, u / 0.6), 0.7))))
            total = sum(d["count"] * d["duration_s"] for d in b.deliverables)
            quote = max(c.min_project_usd_cents, c.price_per_second_usd_cents * total)
            c.history.append(
                PastJob(
                    brief=i,
                    amount_usd_cents=int(min(quote, b.budget_max_usd_cents)),
                    on_time=rng.random() < c.reliability,
                    revisions=0 if rng.random() < c.quality else rng.choice([1, 1, 2]),
                    stars=stars,
                    days_ago=max(1, b.days_ago - rng.randint(5, 30)),
                )
            )
        c.completed = len(c.history)
        c.on_time = sum(j.on_time for j in c.history)
        c.review_count = sum(j.stars is not None for j in c.history)
        c.rating_sum = sum(j.stars or 0 for j in c.history)
    return past
