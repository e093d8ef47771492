"""Seeding the list benchmark's databases: the creators and reels of bench/matching.py, plus
brands and briefs.

COPY straight into the tables, not the services: a million reels through the API would take
hours, and the lists only read rows, so the rows are all that must be realistic. Each size
gets its own database, kept for the next run unless `--reseed`.
"""

from __future__ import annotations

import argparse
import json
from datetime import timedelta
from typing import Any

from bench import matching as world  # seeding and report helpers


def copy_model(model: Any, rows: list[dict[str, Any]]) -> None:
    """COPY dicts into `model`'s table; missing fields take the field's default."""
    fields = [f for f in model._meta.concrete_fields if not getattr(f, "generated", False)]
    json_fields = {f.name for f in fields if f.get_internal_type() == "JSONField"}

    def tuples():  # type: ignore[no-untyped-def]
        for row in rows:
            out = []
            for f in fields:
                value = row[f.attname] if f.attname in row else f.get_default()
                if f.name in json_fields:
                    value = json.dumps(value)
                out.append(value)
            yield tuple(out)

    world.copy_rows(model._meta.db_table, [f.column for f in fields], tuples(), len(rows))


def seed_briefs(n_creators: int) -> None:
    """Brands (one per 100 creators) and briefs (one per 10 creators, 60% open and public)."""
    import random

    from django.db import connection

    from campaigns.models import Brand, Brief

    rng = random.Random(13)
    now = world.NOW
    n_brands = max(10, n_creators // 100)
    copy_model(
        Brand,
        [
            {"id": i, "name": f"Brand {i}", "slug": f"brand-{i}", "created_at": now}
            for i in range(1, n_brands + 1)
        ],
    )
    models = list(world.MODELS)
    statuses = ["open"] * 6 + ["draft", "closed", "awarded", "completed"]
    briefs = []
    for i in range(1, n_creators // 10 + 1):
        seconds = rng.choice([15, 30, 45, 60])
        low = rng.randint(20_000, 300_000)
        briefs.append(
            {
                "id": i,
                "brand_id": rng.randint(1, n_brands),
                "title": f"Brief {i}",
                "description": "Make a vertical teaser for our launch.",
                "tags": world.pick_tags(rng, 1, 4),
                "preferred_models": sorted(set(rng.choices(models, k=rng.randint(0, 3)))),
                "languages": ["en"],
                "deliverables": [
                    {
                        "count": 1,
                        "duration_s": seconds,
                        "aspect_ratio": "9:16",
                        "resolution": "1080p",
                    }
                ],
                "total_seconds": seconds,
                "budget_min": low,
                "budget_max": low * 2,
                "currency": "USD",
                "bid_deadline": now + timedelta(days=rng.randint(1, 30)),
                "delivery_deadline": now + timedelta(days=rng.randint(31, 60)),
                "visibility": "invite_only" if rng.random() < 0.1 else "public",
                "status": rng.choice(statuses),
                "created_at": now,
                "updated_at": now,
            }
        )
    copy_model(Brief, briefs)
    with connection.cursor() as cursor:
        for table in ("campaigns_brand", "campaigns_brief"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )
        # The denormalised suspension flag, as creator_suspend keeps it.
        cursor.execute(
            "UPDATE creators_reel r SET creator_suspended = true FROM creators_creatorprofile c "
            "WHERE c.id = r.creator_id AND c.suspended"
        )
        cursor.execute("VACUUM ANALYZE")


def prepare(size: int, args: argparse.Namespace, base_url: str) -> str:
    from django.core.management import call_command

    name = f"reelmatch_http_{size}"
    created = world.ensure_database(base_url, name, drop=args.reseed)
    world.use_database(name)
    call_command("migrate", verbosity=0)
    if created:
        print(f"seeding {name}: {size:,} creators, {size * args.reels_per_creator:,} reels")
        world.seed(size, size * args.reels_per_creator)
        seed_briefs(size)
    return name
