"""Reasons that explain a result's place in its list, from the numbers of its score.

For each result and each asked factor, its contribution (normalised weight × factor) is
compared with the mean contribution of that factor over the returned list. Up to two factors
whose contribution is strictly above the list's average are named as *lifts* with their
evidence ("8 approved kling-2.1-pro reels", "reels mention: pancakes, syrup"), and the one
strictly below it by most as the *hold* ("no approved reel tagged horror"); a factor at the
average is never called either. A hard constraint the result misses, or a gap penalty it pays,
is said first (kind `constraint` / `penalty`). When that makes fewer than two, the result's
strongest contributions are added as *notes* (true statements, no claim about the average).
Texts read the stored evidence the score read (diluted, near-duplicates once), never raw
counts the score discounted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from creators.evidence import RESOLUTION_RANK, showings
from creators.text import first_words

from . import reference as ref
from .budget_lines import exact_rate

FACTORS = ref.FACTORS
RESOLUTION_NAME = {rank: name for name, rank in RESOLUTION_RANK.items()}
EPSILON = 1e-12
MAX_LIFTS = 2
KINDS = ("constraint", "penalty", "lift", "hold", "note")
CONSTRAINT_TEXT = {
    "languages": "required language: speaks none of {}",
    "formats": "required format: never showed {}",
    "models": "required model: no approved work with {}",
}


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
    values = [(float(e.creator.tag_evidence.get(t, 0.0)), t) for t in e.brief.tags]
    record = (e.creator.track_record or {}).get("tags") or {}
    shown = sorted(((v, t) for v, t in values if v > 0), key=lambda p: (-p[0], p[1]))
    missing = [t for v, t in values if v <= 0]
    if shown:
        value, tag = shown[0]
        source = "completed contracts and approved reels" if tag in record else "approved reels"
        more = f" (+{len(shown) - 1} more of the brief's tags)" if len(shown) > 1 else ""
        lift = f"{source} show {tag}: evidence {value:.2f} of 1{more}"
    else:
        lift = f"no approved reel tagged {_listed(missing)}"
    if missing:
        hold = f"no approved reel tagged {_listed(missing)}"
    else:
        value, tag = min(values)
        hold = f"weakest evidence for {tag}: {value:.2f} of 1"
    return lift, hold


def _relevance(e: Explained) -> tuple[str, str]:
    strength = {t: float(e.creator.terms.get(t, 0.0)) for t, _ in e.brief.terms}
    ranked = sorted(e.brief.terms, key=lambda p: (-p[1] * strength[p[0]], -p[1], p[0]))
    found = [e.words.get(t, t) for t, _ in ranked if strength[t] > 0]
    absent = [e.words.get(t, t) for t, _ in ranked if strength[t] <= 0]
    lift = (
        f"reels mention: {_listed(found)}" if found else f"reels mention none of: {_listed(absent)}"
    )
    hold = f"reels never mention: {_listed(absent)}" if absent else lift
    return lift, hold


def _tools(e: Explained) -> tuple[str, str]:
    used = []
    for m in e.brief.models:
        value = float(e.creator.model_evidence.get(m, 0.0))
        if value > 0:
            used.append((value, m))
    used.sort(key=lambda p: (-p[0], p[1]))
    unused = [m for m in e.brief.models if m not in {u for _, u in used}]
    near = [m for m in unused if ref.tool_evidence(m, e.creator) > 0]
    if used:
        value, model = used[0]
        worth = showings(value)
        count = e.skills.get(model, 0)
        more = f" (+{len(used) - 1} more preferred)" if len(used) > 1 else ""
        if count and count <= worth:
            lift = f"{_plural(count, 'approved ' + model + ' reel')}{more}"
        else:
            lift = f"work with {model}: evidence {value:.2f} of 1{more}"
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
        rate = exact_rate(creator.rate_currency, brief.currency)
        if rate is not None and amount * rate > 2 * brief.budget_max:
            return f"quote {quoted} is over twice the budget"
        return f"quote {quoted} is twice the budget"
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
    text = hold if kind == "hold" else lift
    if kind == "note" and text is None:
        text = hold
    if text is not None and all(d["factor"] != name and d["text"] != text for d in details):
        details.append({"factor": name, "kind": kind, "text": text})


def constraint_details(item: Explained) -> list[dict[str, str]]:
    """The hard constraints the result misses and the gap penalties it pays, as said first."""
    brief, creator = item.brief, item.creator
    out = []
    for name in brief.constraints():
        if not ref.misses(name, brief, creator):
            continue
        if name == "languages":
            what = ", ".join(sorted(brief.languages))
        elif name == "formats":
            never = (a for a, _ in brief.deliverables if a not in creator.formats)
            what = ", ".join(dict.fromkeys(never))
        else:
            what = ", ".join(m for m in brief.models if ref.tool_evidence(m, creator) == 0.0)
        text = CONSTRAINT_TEXT[name].format(what)
        out.append({"factor": name, "kind": "constraint", "text": text})
    for name in brief.gap_penalties():
        if ref.gap(name, brief, creator) <= 0.0:
            continue
        if name == "formats":
            never = dict.fromkeys(a for a, _ in brief.deliverables if a not in creator.formats)
            text = f"never showed {', '.join(never)} (penalised)"
        else:
            never = [m for m in brief.models if ref.tool_evidence(m, creator) == 0.0]
            text = f"no approved work with {', '.join(never)} (penalised)"
        out.append({"factor": name, "kind": "penalty", "text": text})
    return out


def explain_all(items: Sequence[Explained]) -> list[tuple[list[str], list[dict[str, str]]]]:
    """For each item: 2–3 reasons (strings) and their details `{factor, kind, text}`."""
    if not items:
        return []
    contributions = []
    for item in items:
        weights = item.brief.normalised_weights()
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
        details = constraint_details(item)[:2]
        room = 3 - len(details)
        for _, _, name in lifts[: min(MAX_LIFTS, max(room - (1 if holds else 0), 0))]:
            _add(details, item, name, "lift")
        if holds and len(details) < 3:
            _add(details, item, holds[0][2], "hold")
        # Fewer than two: the strongest contributions, as plain notes.
        strongest = sorted(contribution.items(), key=lambda p: (-p[1], FACTORS.index(p[0])))
        for name, _ in strongest:
            if len(details) >= 2:
                break
            _add(details, item, name, "note")
        if item.brief.currency not in settings.FX_TO_USD:
            # Say why every budget fit is 0.5, whatever the list looks like.
            details = [d for d in details if d["factor"] != "budget"][:2]
            details.append({"factor": "budget", "kind": "note", "text": _budget(item, 0.5)})
        details.sort(key=lambda d: KINDS.index(d["kind"]))
        details = details[:3]
        out.append(([d["text"] for d in details], details))
    return out
