"""The matching-quality benchmark runs end to end on a tiny world and reports sane numbers.

`bench/match_quality.py`'s `run_world` runs in-process on the suite's test database: the world
generator, the loader (API sign-ups and reels, staff moderation, the track record as real
briefs, bids, contracts, milestones and reviews through the product's services), the three
rankings (the product's through `GET /briefs/{id}/matches/`) and the report — so none of it can
rot unnoticed. Ranges and invariants, not results: the product's matching changes elsewhere.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from rest_framework.throttling import SimpleRateThrottle

BENCH = Path(__file__).resolve().parents[2] / "bench"


@pytest.fixture
def bench(monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.syspath_prepend(str(BENCH))
    # thousands of API calls from one client: the benchmark's loader bypasses throttles
    monkeypatch.setattr(SimpleRateThrottle, "allow_request", lambda self, request, view: True)
    import match_quality

    yield match_quality
    for name in [m for m in sys.modules if m.startswith(("match_quality", "match_world"))]:
        sys.modules.pop(name, None)


@pytest.mark.django_db
def test_tiny_world_with_adversaries_reports_every_metric_in_range(bench) -> None:  # type: ignore[no-untyped-def]
    args = bench.parse_args(
        [
            "--setting",
            "fresh",
            "--seed",
            "101",
            "--creators",
            "12",
            "--briefs",
            "3",
            "--adversaries",
            "stuffers,farmers",
            "--pair",
        ]
    )
    report = bench.run_world(args, booted=True)

    assert report["setting"] == "fresh"
    assert set(report["conditions"]) == {"clean", "adversarial"}
    clean, adversarial = report["conditions"]["clean"], report["conditions"]["adversarial"]
    assert clean["creators"] == 12
    assert adversarial["creators"] > clean["creators"]
    assert adversarial["kinds"]["reel_stuffer"] >= 1
    assert adversarial["kinds"]["farmer"] >= 1
    assert "reel_stuffer" not in clean["kinds"]
    for cond in (clean, adversarial):
        assert set(cond["results"]) == {"product", "v1_frozen", "evidence"}
        assert 0.0 <= cond["ideal_precision"] <= 1.0
        for name, r in cond["results"].items():
            for key in ("ndcg", "precision", "stuffers", "reel_stuffers", "farmers"):
                assert 0.0 <= r[key] <= 1.0, (name, key, r[key])
            assert r["adversaries"] == pytest.approx(
                r["stuffers"] + r["reel_stuffers"] + r["farmers"]
            )
            assert r["precision"] <= cond["ideal_precision"] + 1e-9
            assert 0 <= cond["newcomers_in_top10"][name] <= cond["strong_newcomers"]
        assert len(cond["per_brief"]) == 3
        for row in cond["per_brief"]:
            assert len(row["product_top10"]) <= 10
    # without adversaries, none of theirs can be in a top 10
    assert all(r["reel_stuffers"] == r["farmers"] == 0.0 for r in clean["results"].values())
    # the track record is real rows, and the creators' cached counters are what they say
    history = report["history"]
    assert history["contracts"] == history["expected_contracts"] > 0
    assert history["reviews"] == history["expected_reviews"] > 0
    assert history["counters_match_rows"] is True
