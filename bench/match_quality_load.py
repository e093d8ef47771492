"""Boot Django on a throwaway database and load the world through the product's own paths.

Through the API and the staff services, not fixtures, so the rows the rankings read are the
rows real sign-ups, reel uploads and moderation produce; only what no service writes in bulk
(the reels' dates, the track record's money steps: `match_quality_history`) is set with
`QuerySet.update`. Django is
imported inside the functions: nothing may touch it before `boot` has chosen the database.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

import match_world as mw

ROOT = Path(__file__).resolve().parent.parent
SQLITE_PATH = ROOT / "bench" / ".match_quality.sqlite3"
PG_NAME = "reelmatch_mq"
PASSWORD = "bench-Password-123"


def log(*args: Any) -> None:
    print(*args, file=sys.stderr, flush=True)


# Django ------------------------------------------------------------------------------------------


def sqlite_path() -> Path:
    """The throwaway SQLite file; MATCH_QUALITY_SQLITE moves it (tests, parallel runs)."""
    return Path(os.environ.get("MATCH_QUALITY_SQLITE") or SQLITE_PATH)


def meta_path() -> Path:
    return sqlite_path().with_suffix(".meta.json")


def clean_path() -> Path:
    """The copy of the SQLite world taken before the adversaries were added (`--pair`)."""
    path = sqlite_path()
    return path.with_name(f"{path.stem}.clean{path.suffix}")


def snapshot_clean() -> None:
    """Copy the loaded SQLite database as it is now (before adversaries) for `--reuse`."""
    import shutil

    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    shutil.copyfile(sqlite_path(), clean_path())


@contextmanager
def on_sqlite(path: Path) -> Iterator[None]:
    """Point the default connection at another SQLite file for the duration."""
    from django.db import connection

    before = connection.settings_dict["NAME"]
    connection.close()
    connection.settings_dict["NAME"] = str(path)
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["NAME"] = before


def boot(args: argparse.Namespace) -> bool:
    """Point Django at the throwaway database and set it up; True if it must be (re)loaded."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "marketplace.settings.test"
    os.environ["DATABASE_POOL"] = "0"
    # The world sends thousands of notification e-mails; keep them off stdout (`--json`).
    os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
    key = world_key(args)
    fresh = True
    if args.database_url:
        parts = urlparse(args.database_url)
        if not parts.scheme.startswith("postgres"):
            sys.exit("--database-url must be postgres://…")
        url = urlunparse(parts._replace(path=f"/{PG_NAME}"))
        os.environ["DATABASE_URL"] = url
        import psycopg

        admin = urlunparse(parts._replace(path="/postgres"))
        with psycopg.connect(admin, autocommit=True) as conn:
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [PG_NAME]
            ).fetchone()
            reuse = args.reuse and exists and _meta_matches(key, "pg")
            if not reuse:
                if exists:
                    conn.execute(f'DROP DATABASE "{PG_NAME}" WITH (FORCE)')
                conn.execute(f'CREATE DATABASE "{PG_NAME}"')
            fresh = not reuse
    else:
        path = sqlite_path()
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
        reuse = args.reuse and path.exists() and _meta_matches(key, "sqlite")
        if args.pair and not clean_path().exists():
            reuse = False
        if not reuse:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            clean_path().unlink(missing_ok=True)
            template = migrated_template()
            if template.exists():  # an empty, migrated database: skip the migrations' minutes
                shutil.copyfile(template, path)
        fresh = not reuse
    import django

    django.setup()
    import logging

    for noisy in ("celery", "kombu", "axes"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    from django.db.backends.signals import connection_created

    def pragmas(sender, connection, **kwargs) -> None:  # type: ignore[no-untyped-def]
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute("PRAGMA synchronous=OFF")

    connection_created.connect(pragmas)
    from rest_framework.throttling import SimpleRateThrottle

    SimpleRateThrottle.allow_request = lambda self, request, view: True  # type: ignore[method-assign]
    from django.core.management import call_command

    if fresh:
        meta_path().unlink(missing_ok=True)
    # a reused world gets the branch's newer migrations too (then --post-load refreshes)
    call_command("migrate", verbosity=0)
    if fresh and not args.database_url and not migrated_template().exists():
        _save_template()
    return fresh


def migrated_template() -> Path:
    """An empty database migrated to exactly this checkout's migrations (keyed by their text)."""
    digest = hashlib.sha1()
    for f in sorted(ROOT.glob("*/migrations/*.py")):
        digest.update(str(f.relative_to(ROOT)).encode())
        digest.update(f.read_bytes())
    return ROOT / "bench" / f".match_quality-migrated-{digest.hexdigest()[:12]}.sqlite3"


def _save_template() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    target = migrated_template()
    partial = target.with_suffix(f".{os.getpid()}.partial")
    shutil.copyfile(sqlite_path(), partial)
    os.replace(partial, target)  # atomic: parallel worlds never read half a file


def world_key(args: argparse.Namespace) -> dict[str, Any]:
    """What identifies a loaded database: the world's parameters (for `--reuse`)."""
    return {
        "seed": args.seed,
        "creators": args.creators,
        "briefs": args.briefs,
        "setting": args.setting,
        "adversaries": args.adversaries,
        "share": args.adversary_share,
    }


def _meta_matches(key: dict[str, Any], backend: str) -> bool:
    try:
        meta = json.loads(meta_path().read_text())
    except (OSError, ValueError):
        return False
    return meta.get("key") == key and meta.get("backend") == backend


# Loading -----------------------------------------------------------------------------------------


def api_client(token: str | None = None):  # type: ignore[no-untyped-def]
    from rest_framework.test import APIClient

    client = APIClient()
    if token:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def ok(response, *codes: int) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    if response.status_code not in codes:
        raise RuntimeError(f"{response.status_code}: {response.content[:500]!r}")
    return response.json() if response.content else {}


def emails_off(client) -> None:  # type: ignore[no-untyped-def]
    """The bench's users turn notification e-mail off (a user's own choice, through the API):
    the notifications are still written, no e-mail is rendered for them."""
    ok(
        client.patch(
            "/api/v1/notifications/email-preference/", {"frequency": "off"}, format="json"
        ),
        200,
    )


def load(world: mw.World) -> dict[str, int]:
    """Create the world through the API and the staff services: the brands, the creators with
    their reels and track record (`load_stage`), then the open briefs."""
    from match_quality_history import register_brands

    from marketplace.models import User

    User.objects.create_superuser(email="staff@mq.bench", password=PASSWORD)
    register_brands(world)
    done = load_stage(world, world.creators)
    load_briefs(world)
    return done


def load_stage(world: mw.World, creators: list[mw.CreatorSpec]) -> dict[str, int]:
    """Creators (profiles, reels), their track record as real contracts and reviews, then the
    staff decisions (tier, suspension: after the history, which needs them able to bid)."""
    from match_quality_history import load_history

    load_creators(world, creators)
    done = load_history(world, creators)
    finish_creators(creators)
    return done


def _staff():  # type: ignore[no-untyped-def]
    from marketplace.models import User

    return User.objects.get(email="staff@mq.bench")


def load_creators(world: mw.World, creators: list[mw.CreatorSpec]) -> None:
    """Sign the creators up, fill their profiles, post and moderate their reels."""
    from django.utils import timezone

    from creators.models import Reel
    from creators.services import reel_approve, reel_reject

    rng = random.Random(world.seed * 7919 + (creators[0].index if creators else 0))
    now = timezone.now()
    staff = _staff()
    anon = api_client()
    started = time.monotonic()
    for i, c in enumerate(creators):
        body = ok(
            anon.post(
                "/api/v1/auth/register/",
                {
                    "email": f"{c.handle}@mq.bench",
                    "password": PASSWORD,
                    "role": "creator",
                    "handle": c.handle,
                    "full_name": f"Creator {c.index}",
                },
                format="json",
            ),
            201,
        )
        client = api_client(body["access"])
        emails_off(client)
        profile = {
            "bio": c.bio,
            "country": c.country,
            "languages": c.profile_languages,
            "tags": c.profile_tags,
            **(c.rate_card or {}),
        }
        ok(client.patch("/api/v1/creators/me/", profile, format="json"), 200)
        dated: list[tuple[int, int, str]] = []
        for j, r in enumerate(sorted(c.reels, key=lambda r: -r.days_ago)):
            when = now - timedelta(days=r.days_ago, hours=rng.randint(1, 20))
            video = {
                "provider": r.provider,
                "model": r.model,
                "video_url": f"https://cdn.mq.bench/{c.handle}/{j}.mp4",
                "thumbnail_url": r.thumbnail or f"https://cdn.mq.bench/{c.handle}/{j}.jpg",
                "prompt": r.prompt,
                "mode": "text_to_video",
                "duration_s": r.duration_s,
                "width": r.width,
                "height": r.height,
                "fps": r.fps,
                "seed": r.video_seed if r.video_seed is not None else rng.randint(1, 2**31),
                "provider_task_id": f"task-{c.index}-{j}",
                "generated_at": when.isoformat(),
            }
            created = ok(
                client.post(
                    "/api/v1/reels/",
                    {
                        "title": r.title,
                        "description": r.description,
                        "tags": r.tags,
                        "video": video,
                    },
                    format="json",
                ),
                201,
            )
            reel = Reel.objects.get(pk=created["id"])
            if r.moderation == "approved":
                reel_approve(actor=staff, reel=reel)
            elif r.moderation == "rejected":
                reel_reject(actor=staff, reel=reel, reason="off-brief or low quality")
            dated.append((reel.pk, r.days_ago, r.moderation))
            Reel.objects.filter(pk=reel.pk).update(
                created_at=when,
                moderated_at=None if r.moderation == "pending" else when + timedelta(hours=2),
            )
        if (i + 1) % 50 == 0:
            log(f"  {i + 1} creators loaded ({time.monotonic() - started:.0f} s)")
    log(f"{len(creators)} creators loaded in {time.monotonic() - started:.0f} s")


def finish_creators(creators: list[mw.CreatorSpec]) -> None:
    """Staff decisions (tier, suspension) and the creator's last activity: their latest reel
    or delivery (bidding on past briefs stamped now; the world's dates are in the past)."""
    from django.utils import timezone

    from creators.models import CreatorProfile
    from creators.services import creator_set_tier, creator_suspend

    now = timezone.now()
    staff = _staff()
    for c in creators:
        profile_row = CreatorProfile.objects.get(handle=c.handle)
        if c.tier != "standard":
            creator_set_tier(actor=staff, profile=profile_row, tier=c.tier)
        if c.suspended:
            creator_suspend(actor=staff, profile=profile_row, reason="benchmark")
        days = min([c.last_active_days_ago or 0] + [j.days_ago for j in c.history])
        CreatorProfile.objects.filter(pk=profile_row.pk).update(
            last_active_at=now - timedelta(days=days, hours=1)
        )


def load_briefs(world: mw.World) -> None:
    """Create (as the brand's owner, through the API), submit and approve the open briefs."""
    from django.utils import timezone

    from campaigns.models import Brief
    from campaigns.services import brief_approve

    now = timezone.now()
    staff = _staff()
    anon = api_client()
    owners = []
    for b in range(len(world.brands)):
        body = ok(
            anon.post(
                "/api/v1/auth/token/",
                {"email": f"brand{b}@mq.bench", "password": PASSWORD},
                format="json",
            ),
            200,
        )
        owners.append(body["access"])
    for brief in world.briefs:
        client = api_client(owners[brief.brand])
        payload = {
            **brief.payload,
            "bid_deadline": (now + timedelta(days=21)).isoformat(),
            "delivery_deadline": (now + timedelta(days=50)).isoformat(),
        }
        created = ok(client.post("/api/v1/briefs/", payload, format="json"), 201)
        ok(client.post(f"/api/v1/briefs/{created['id']}/submit/", format="json"), 200)
        brief_approve(actor=staff, brief=Brief.objects.get(pk=created["id"]))


def brief_ids(world: mw.World) -> list[int]:
    """Database ids of the world's briefs, in world order (created in that order)."""
    from campaigns.models import Brief

    ids = list(Brief.objects.filter(status="open").order_by("id").values_list("id", flat=True))
    assert len(ids) == len(world.briefs), "the database does not hold this world"
    return ids


def post_load(commands: list[str]) -> None:
    """Run the given management commands; list likely candidates when none is given."""
    from django.core.management import call_command, get_commands

    for name in commands:
        log(f"post-load: manage.py {name}")
        call_command(name)
    if not commands:
        hints = sorted(
            name
            for name, app in get_commands().items()
            if app in {"campaigns", "creators", "marketplace", "demo"}
            and any(w in name for w in ("match", "idf", "term", "corpus", "backfill"))
        )
        if hints:
            log(
                f"note: matching-related commands exist ({', '.join(hints)}); "
                "pass --post-load NAME if one must run after loading"
            )
