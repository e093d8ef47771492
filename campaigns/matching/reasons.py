"""Reasons that explain a result's place in its list (DESIGN §6 v2).

For each result and each asked factor, its contribution (normalised weight × factor) is
compared with the mean contribution of that factor over the returned list. The 2–3 factors that
lift the result most above the list's average are named with their evidence ("8 approved
kling-2.1-pro reels", "reels mention: pancakes, syrup"), then the one that holds it back most
("no approved reel tagged horror"). When the list does not separate the result (one result, or
equal rows), its strongest contributions are named instead.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from creators.evidence import RESOLUTION_RANK, showings
from creators.text import first_words

from . import reference as ref

FACTORS = ref.FACTORS
RESOLUTION_NAME = {rank: name for name, rank in RESOLUTION_RANK.items()}
EPSILON = 1e-12
MAX_LIFTS = 2


@dataclass(frozen=True)
class Explained:
    """One result to explain: the facts both sides, its breakdown, and the page's extras."""

    brief: ref.BriefFacts
    creator: ref.CreatorFacts
    breakdown: Mapping[str, float | None]
    skills: Mapping[str, int]  # model → approved reels (the brief's preferred models)
    words: Mapping[str, str]  # brief term → the word the brand wrote


def brief_words(brief: Any) -> dict[str, str]:
    """Each term of the brief's title and description → the word as written."""
    return first_words([brief.title or "", brief.description or ""])


def _plural(n: float, word: str) -> str:
    count = f"{n:g}"
    return f"{count} {word}" if n == 1 else f"{count} {word}s"


def _listed(items: Sequence[str], most: int = 3) -> str:
    return ", ".join(items[:most]) + (", …" if len(items) > most else "")


def _money(amount: int, currency: str) -> str:
    exponent = settings.CURRENCY_EXPONENTS.get(currency, 2)
    return f"{amount / 10**exponent:,.{exponent}f} {currency}"


def _style(e: Explained) -> tuple[str, str]:
    shown = [(showings(e.creator.tag_evidence.get(t, 0.0)), t) for t in e.brief.tags]
    reels = sorted(((n, t) for n, t in shown if n >= 1), key=lambda p: (-p[0], p[1]))
    missing = [t for n, t in shown if n < 1]
    claimed = [t for n, t in shown if 0 < n < 1]
    if reels:
        n, tag = reels[0]
        more = f" (+{len(reels) - 1} more of the brief's tags)" if len(reels) > 1 else ""
        lift = f"{_plural(n, 'approved reel')} tagged {tag}{more}"
    elif claimed:
        lift = f"claims {_listed(claimed)} on the profile, no approved reel yet"
    else:
        lift = f"no approved reel tagged {_listed(missing)}"
    hold = (
        f"no approved reel tagged {_listed(missing)}"
        if missing
        else f"fewest reels for {min(shown)[1]}"
    )
    return lift, hold


def _relevance(e: Explained) -> tuple[str, str]:
    ranked = sorted(e.brief.terms, key=lambda p: (-p[1], p[0]))
    found = [e.words.get(t, t) for t, _ in ranked if t in e.creator.terms]
    absent = [e.words.get(t, t) for t, _ in ranked if t not in e.creator.terms]
    lift = (
        f"reels mention: {_listed(found)}" if found else f"reels mention none of: {_listed(absent)}"
    )
    hold = f"reels never mention: {_listed(absent)}" if absent else lift
    return lift, hold


def _tools(e: Explained) -> tuple[str, str]:
    used = sorted(
        ((e.skills.get(m, 0), m) for m in e.brief.models if e.skills.get(m)),
        key=lambda p: (-p[0], p[1]),
    )
    unused = [m for m in e.brief.models if not e.skills.get(m)]
    near = [m for m in unused if ref.tool_evidence(m, e.creator) > 0]
    if used:
        n, model = used[0]
        more = f" (+{len(used) - 1} more preferred)" if len(used) > 1 else ""
        lift = f"{_plural(n, 'approved ' + model + ' reel')}{more}"
    elif near:
        lift = f"approved reels with other models of the provider of {near[0]}"
    else:
        lift = f"no approved reels made with {_listed(unused)}"
    hold = f"no approved reels made with {_listed(unused)}" if unused else lift
    return lift, hold


def _format(e: Explained) -> tuple[str, str]:
    shown, short, absent = [], [], []
    for aspect, need in e.brief.deliverables:
        have = e.creator.formats.get(aspect)
        if have is None:
            absent.append(aspect)
        elif int(have) >= need:
            shown.append(f"{aspect} at {RESOLUTION_NAME.get(int(have), 'low resolution')}")
        else:
            short.append(f"{aspect} only below {RESOLUTION_NAME.get(need, '')}")
    if shown:
        lift = f"shows {_listed(list(dict.fromkeys(shown)), 2)}"
    elif short:
        lift = f"shows {_listed(list(dict.fromkeys(short)), 2)}"
    else:
        lift = f"no approved reel in {_listed(list(dict.fromkeys(absent)), 2)}"
    if absent:
        hold = f"no approved reel in {_listed(list(dict.fromkeys(absent)), 2)}"
    elif short:
        hold = f"shows {_listed(list(dict.fromkeys(short)), 2)}"
    else:
        hold = lift
    return lift, hold


def _budget(e: Explained, value: float) -> str:
    brief, creator = e.brief, e.creator
    if brief.currency not in settings.FX_TO_USD:
        return f"no exchange rate for the brief's currency {brief.currency}: budget fit unknown"
    amount = ref.quote(creator, brief.total_seconds)
    if amount is None:
        return "no rate card to compare with the budget"
    if creator.rate_currency not in settings.FX_TO_USD:
        currency = creator.rate_currency or "none"
        return f"no exchange rate for the rate currency ({currency}) to compare with the budget"
    quoted = _money(amount, creator.rate_currency)
    if value >= 1.0:
        return f"quote {quoted} fits the budget"
    if value <= 0.0:
        return f"quote {quoted} is over twice the budget"
    return f"quote {quoted} is {max(1, round((1.0 - value) * 100))}% over the budget"


def _phrases(name: str, e: Explained, value: float) -> tuple[str | None, str]:
    """(text when it lifts, text when it holds back) for one factor. A factor scored only from
    its prior (no reviews, no completed contracts) has no lift text: a newcomer's prior may sit
    above the list's average, but "no reviews yet" is not a reason to pick anyone."""
    creator = e.creator
    if name == "style":
        return _style(e)
    if name == "relevance":
        return _relevance(e)
    if name == "tools":
        return _tools(e)
    if name == "format":
        return _format(e)
    if name == "budget":
        text = _budget(e, value)
        return text, text
    if name == "quality":
        if not creator.review_count:
            return None, "no reviews yet"
        average = creator.rating_sum / creator.review_count
        text = f"{average:.1f}★ over {_plural(creator.review_count, 'review')}"
        return text, text
    if name == "reliability":
        if not creator.completed_contracts:
            return None, "no completed contracts yet"
        text = f"on time {creator.on_time_contracts} of {creator.completed_contracts}"
        return text, text
    if name == "language":
        shared = sorted(e.brief.languages & creator.languages)
        if shared:
            return f"speaks {', '.join(shared[:2])}", f"speaks {', '.join(shared[:2])}"
        text = f"speaks none of: {', '.join(sorted(e.brief.languages))}"
        return text, text
    full, half = settings.MATCH_RECENCY_DAYS
    if value >= 1.0:
        text = f"active in the last {full} days"
    elif value > 0.0:
        text = f"active in the last {half} days"
    else:
        text = f"not active in the last {half} days"
    return text, text


def _add(details: list[dict[str, str]], item: Explained, name: str, kind: str) -> None:
    """Append the phrase for `name` unless that factor or text is already there (or the factor
    has nothing to say as a lift)."""
    value = float(item.breakdown[name] or 0.0)
    lift, hold = _phrases(name, item, value)
    text = lift if kind == "lift" else hold
    if text is not None and all(d["factor"] != name and d["text"] != text for d in details):
        details.append({"factor": name, "kind": kind, "text": text})


def explain_all(items: Sequence[Explained]) -> list[tuple[list[str], list[dict[str, str]]]]:
    """For each item: 2–3 reasons (strings) and their details `{factor, kind, text}`."""
    if not items:
        return []
    nw = items[0].brief.normalised_weights() if items else {}
    contributions = []
    for item in items:
        weights = item.brief.normalised_weights() if item.brief is not items[0].brief else nw
        contributions.append(
            {
                name: weights[name] * float(value)
                for name, value in item.breakdown.items()
                if value is not None and name in weights
            }
        )
    names = [n for n in FACTORS if any(n in c for c in contributions)]
    means = {n: sum(c.get(n, 0.0) for c in contributions) / len(contributions) for n in names}
    out = []
    for item, contribution in zip(items, contributions, strict=True):
        diffs = [
            (contribution[n] - means[n], FACTORS.index(n), n) for n in names if n in contribution
        ]
        lifts = sorted((d for d in diffs if d[0] > EPSILON), key=lambda d: (-d[0], d[1]))
        holds = sorted((d for d in diffs if d[0] < -EPSILON), key=lambda d: (d[0], d[1]))
        details: list[dict[str, str]] = []
        for _, _, name in lifts[: MAX_LIFTS + (0 if holds else 1)]:
            _add(details, item, name, "lift")
        # When the list does not separate this result, its strongest contributions speak.
        strongest = sorted(contribution.items(), key=lambda p: (-p[1], FACTORS.index(p[0])))
        for name, value in strongest:
            if len(details) >= 2:
                break
            if value > EPSILON:
                _add(details, item, name, "lift")
        for _, _, name in holds[:1] if len(details) < 3 else ():
            _add(details, item, name, "hold")
        # Never fewer than two: what holds it back next, then what it lacks.
        for name in [d[2] for d in holds[1:]] + [n for n, _ in reversed(strongest)]:
            if len(details) >= 2:
                break
            _add(details, item, name, "hold")
        details.sort(key=lambda d: d["kind"] != "lift")
        if item.brief.currency not in settings.FX_TO_USD:
            # Say why every budget fit is 0.5, whatever the list looks like.
            details = [d for d in details if d["factor"] != "budget"][:2]
            details.append({"factor": "budget", "kind": "hold", "text": _budget(item, 0.5)})
        details = details[:3]
        out.append(([d["text"] for d in details], details))
    return out
