"""The track record as real rows: past briefs, accepted bids, completed contracts, reviews.

What the real flow does, and what this loader does instead (the documented shortcut):

1. brand member drafts, submits, staff approve a brief — `brief_create`, `brief_submit`,
   `brief_approve` (the services; `slots` = the number of creators the brand hired on it);
2. each hired creator bids — `bid_create` — and the brand accepts — `bid_accept`: the real
   contract with its snapshot (price, tier, fee, deliverables, usage rights) and its milestone,
   and the brief becomes `awarded` once its slots are filled;
3. funding, delivery, approval and payout go through Stripe in the product (PaymentIntent,
   webhook, Connect transfer). SHORTCUT: no Stripe, no Payment/Transfer/ledger rows; the
   milestones are set `paid` with the dates the real flow would stamp (funded, delivered —
   on time or late against the contract's deadline —, approved, paid) and `revisions_used`,
   a `Delivery` row holds the delivered video (the model the work was made with, the main
   deliverable's format), then the product's own `contract_sync_status` derives the contract's
   status and dates and the product's own `_record_completion` (what the payout service calls)
   counts the contract in the creator's completed and on-time contracts;
4. the brand reviews — `review_create` (the service; it updates the creator's rating);
5. `brief_complete_if_finished` moves the brief to `completed`.
Every date is then moved into the past with `QuerySet.update` (the services stamp now), and
notifications these services send are left as they are (locmem e-mail).

So `CreatorProfile.completed_contracts`, `on_time_contracts`, `rating_sum` and `review_count`
are what the product's own code computed from these rows, and the rows carry the brief's tags,
preferred models, languages and deliverables (the contract points at its brief and snapshots
the deliverables) for evidence "from completed contracts in that style and model".
"""

from __future__ import annotations

import time
from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

import match_world as mw
from match_quality_load import PASSWORD, log

RESOLUTION_SHORT = {"720p": 720, "1080p": 1080, "4k": 2160}


def brand_owner(b: int):  # type: ignore[no-untyped-def]
    from marketplace.models import User

    return User.objects.get(email=f"brand{b}@mq.bench")


def register_brands(world: mw.World) -> None:
    """The brands' owners sign up through the API (their brand is created with them)."""
    from match_quality_load import api_client, emails_off, ok

    anon = api_client()
    for b, name in enumerate(world.brands):
        body = ok(
            anon.post(
                "/api/v1/auth/register/",
                {
                    "email": f"brand{b}@mq.bench",
                    "password": PASSWORD,
                    "role": "brand",
                    "brand_name": name,
                },
                format="json",
            ),
            201,
        )
        emails_off(api_client(body["access"]))


def _delivered_model(brief: mw.BriefSpec, c: mw.CreatorSpec) -> str:
    """The model the work was made with: the brief's named model, else the creator's best."""
    named = brief.payload["preferred_models"]
    if named:
        return named[0]
    return max(c.models, key=lambda m: (c.models[m], m))


def load_history(world: mw.World, creators: list[mw.CreatorSpec]) -> dict[str, int]:
    """Turn the given creators' jobs into rows (see the module docstring); one brief row per
    past brief and call (a world loaded in two stages posts a past brief twice)."""
    from django.db import transaction
    from django.utils import timezone

    from campaigns.models import Brief
    from campaigns.services import brief_approve, brief_create, brief_submit
    from campaigns.services.bids import bid_accept, bid_create
    from campaigns.services.briefs import brief_complete_if_finished
    from creators.models import CreatorProfile
    from marketplace.models import User

    started = time.monotonic()
    now = timezone.now()
    staff = User.objects.get(email="staff@mq.bench")
    jobs: dict[int, list[tuple[mw.CreatorSpec, mw.PastJob]]] = defaultdict(list)
    for c in creators:
        for job in c.history:
            jobs[job.brief].append((c, job))
    users = {
        p.handle: p.user
        for p in CreatorProfile.objects.filter(
            handle__in=[c.handle for c in creators]
        ).select_related("user")
    }
    owners: dict[int, Any] = {}
    contracts = reviews = 0
    for index in sorted(jobs):
        spec = world.past_briefs[index]
        hired = jobs[index]
        owner = owners.setdefault(spec.brand, brand_owner(spec.brand))
        brand = owner.brand_memberships.get().brand
        p = spec.payload
        brief = brief_create(
            actor=owner,
            brand=brand,
            title=p["title"],
            description=p["description"],
            deliverables=p["deliverables"],
            budget_min=p["budget_min"],
            budget_max=p["budget_max"],
            currency=p["currency"],
            bid_deadline=now + timedelta(days=1),
            delivery_deadline=now + timedelta(days=2),
            tags=p["tags"],
            preferred_models=p["preferred_models"],
            languages=p["languages"],
            slots=len(hired),
        )
        brief_submit(actor=owner, brief=brief)
        brief_approve(actor=staff, brief=Brief.objects.get(pk=brief.pk))
        ran = now - timedelta(days=spec.days_ago)
        deadline = ran + timedelta(days=30)
        done = []
        for c, job in hired:
            amount = mw.minor_from_usd_cents(job.amount_usd_cents, p["currency"])
            bid = bid_create(
                actor=users[c.handle], brief=Brief.objects.get(pk=brief.pk), amount=amount
            )
            contract = bid_accept(actor=owner, bid=bid)
            done.append((c, job, contract, bid))
        for c, job, contract, bid in done:
            with transaction.atomic():
                reviews += _finish(c, job, contract, bid, spec, owner, deadline, ran)
            contracts += 1
        brief_complete_if_finished(brief_id=brief.pk)
        Brief.objects.filter(pk=brief.pk).update(
            created_at=ran - timedelta(days=10),
            submitted_at=ran - timedelta(days=9),
            approved_at=ran - timedelta(days=8),
            bid_deadline=ran,
            delivery_deadline=deadline,
        )
    log(
        f"history: {len(jobs)} past briefs, {contracts} contracts, {reviews} reviews "
        f"in {time.monotonic() - started:.0f} s"
    )
    return {"past_briefs": len(jobs), "contracts": contracts, "reviews": reviews}


def _finish(
    c: mw.CreatorSpec,
    job: mw.PastJob,
    contract: Any,
    bid: Any,
    spec: mw.BriefSpec,
    owner: Any,
    deadline: datetime,
    ran: datetime,
) -> int:
    """The shortcut for one accepted contract (see the module docstring); 1 if reviewed."""
    from campaigns.models import Contract, Delivery, Milestone, MilestoneStatus
    from campaigns.services.contracts import contract_sync_status
    from creators.models import GeneratedVideo, Review
    from payments.services.payouts import _record_completion
    from payments.services.reviews import review_create

    p = spec.payload
    delivered = deadline + timedelta(days=-2 if job.on_time else 3)
    Milestone.objects.filter(contract=contract).update(
        status=MilestoneStatus.PAID,
        funded_at=ran + timedelta(days=2),
        delivered_at=delivered,
        approved_at=delivered + timedelta(days=1),
        paid_at=delivered + timedelta(days=2),
        due_date=deadline,
        revisions_used=job.revisions,
    )
    Contract.objects.filter(pk=contract.pk).update(
        delivery_deadline=deadline, created_at=ran + timedelta(days=1)
    )
    contract = Contract.objects.get(pk=contract.pk)
    first = p["deliverables"][0]
    width, height = mw.dims(first["aspect_ratio"], first["resolution"])
    model = _delivered_model(spec, c)
    video = GeneratedVideo.objects.create(
        provider=mw.MODELS.get(model, "other"),
        model=model,
        video_url=f"https://cdn.mq.bench/deliveries/{contract.pk}.mp4",
        duration_s=first["duration_s"],
        width=width,
        height=height,
        fps=24,
        generated_at=delivered - timedelta(hours=6),
    )
    milestone = Milestone.objects.get(contract=contract)
    delivery = Delivery.objects.create(
        contract=contract,
        milestone=milestone,
        number=1 + job.revisions,
        note="final cut",
        created_at=delivered,
    )
    delivery.videos.add(video)
    contract_sync_status(contract=contract, actor=None)
    _record_completion(Contract.objects.get(pk=contract.pk))
    reviewed = 0
    if job.stars is not None:
        reviewed = 1
        review = review_create(
            actor=owner, contract_id=contract.pk, stars=job.stars, text="bench review"
        )
        Review.objects.filter(pk=review.pk).update(created_at=delivered + timedelta(days=3))
    type(bid).objects.filter(pk=bid.pk).update(created_at=ran)
    return reviewed


def history_check(world: mw.World) -> dict[str, Any]:
    """The rows against the world: contract and review counts, and whether every creator's
    cached counters equal what the rows say (completed, on time, rating sum, review count)."""
    from django.db.models import Count, Sum

    from campaigns.models import Contract
    from creators.models import CreatorProfile, Review

    expected_contracts = sum(len(c.history) for c in world.creators)
    expected_reviews = sum(c.review_count for c in world.creators)
    done = {"paid", "completed"}
    rows = {
        r["creator_id"]: r
        for r in Contract.objects.filter(status__in=done)
        .values("creator_id")
        .annotate(n=Count("id"))
    }
    stars = {
        r["creator_id"]: r
        for r in Review.objects.filter(author_role="brand")
        .values("creator_id")
        .annotate(n=Count("id"), total=Sum("stars"))
    }
    by_handle = {c.handle: c for c in world.creators}
    match = True
    for p in CreatorProfile.objects.values(
        "id", "handle", "completed_contracts", "on_time_contracts", "rating_sum", "review_count"
    ):
        c = by_handle.get(p["handle"])
        if c is None:
            continue
        n = rows.get(p["id"], {}).get("n", 0)
        s = stars.get(p["id"], {})
        ok = (
            p["completed_contracts"] == n == c.completed
            and p["on_time_contracts"] == c.on_time
            and p["review_count"] == s.get("n", 0) == c.review_count
            and p["rating_sum"] == (s.get("total") or 0) == c.rating_sum
        )
        match = match and ok
    return {
        "contracts": Contract.objects.filter(status__in=done).count(),
        "expected_contracts": expected_contracts,
        "reviews": Review.objects.filter(author_role="brand").count(),
        "expected_reviews": expected_reviews,
        "counters_match_rows": match,
    }
