"""The one tokenizer of matching (the relevance factor, docs/DESIGN.md): words of reels and
briefs as stored terms.

Run at write time on a reel's title, description and prompt, and on a brief's title and
description; every reader (the SQL ranking, the reference scorer, the reasons) reads the stored
terms, so there is exactly one way text becomes terms.

Rules: lower case; split on anything that is not a letter or a digit; drop stop words and
one-letter tokens; a light suffix stemmer (plurals, -ing, -ed, -ly, …) written here, so
"pancakes" and "pancake", "glowing" and "glow" meet.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

WORD = re.compile(r"[^\W_]+", re.UNICODE)
MIN_LENGTH = 2
MAX_LENGTH = 40  # longer runs are hashes, URLs or noise, not words

STOP_WORDS = frozenset(
    """
    a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it
    its itself just let me more most my myself no nor not now of off on once only or other our
    ours ourselves out over own per please same she should so some such than that the their
    theirs them themselves then there these they this those through to too under until up us
    very via was we were what when where which while who whom why will with would you your yours
    yourself yourselves etc like want wants need needs make made using use used get one two new
    looking think tell show share
    """.split()
)

# (suffix, replacement, minimum stem length left), tried in order; the first that applies wins.
SUFFIXES: tuple[tuple[str, str, int], ...] = (
    ("ies", "y", 3),
    ("sses", "ss", 2),
    ("ness", "", 3),
    ("ments", "ment", 3),
    ("ings", "", 3),
    ("ing", "", 3),
    ("edly", "", 3),
    ("ed", "", 3),
    ("ly", "", 3),
    ("es", "", 3),
    ("s", "", 3),
)
# Endings where "-es" is only a plural "-s" ("vibes" → "vibe", not "vib").
KEEP_E = ("ches", "shes", "xes", "zes", "sses")


def stem(word: str) -> str:
    """A light suffix stemmer: strip one common English ending, keep stems of 3+ letters."""
    if len(word) <= 3 or word.isdigit():
        return word
    for suffix, replacement, keep in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= keep:
            if suffix == "es" and not word.endswith(KEEP_E):
                return word[:-1]  # "vibes" → "vibe", "scenes" → "scene"
            if suffix == "s" and word.endswith(("ss", "us", "is")):
                return word
            base = word[: len(word) - len(suffix)] + replacement
            if suffix in {"ing", "ed", "ings"} and len(base) >= 4 and base[-1] == base[-2]:
                base = base[:-1]  # "running" → "run", "stopped" → "stop"
            return base
    return word


def words(text: str) -> list[tuple[str, str]]:
    """(term, original word) for each kept word of `text`, in order, repeats included."""
    out = []
    for raw in WORD.findall(text.lower()):
        if not MIN_LENGTH <= len(raw) <= MAX_LENGTH or raw in STOP_WORDS:
            continue
        term = stem(raw)
        if len(term) >= MIN_LENGTH and term not in STOP_WORDS:
            out.append((term, raw))
    return out


def tokenize(*texts: str) -> list[str]:
    """The distinct terms of `texts`, in first-seen order."""
    seen: dict[str, None] = {}
    for text in texts:
        for term, _ in words(text or ""):
            seen.setdefault(term, None)
    return list(seen)


def first_words(texts: Iterable[str]) -> dict[str, str]:
    """Each term of `texts` → the first word it came from (for reasons people can read)."""
    out: dict[str, str] = {}
    for text in texts:
        for term, raw in words(text or ""):
            out.setdefault(term, raw)
    return out
