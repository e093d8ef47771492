"""Races on PostgreSQL: concurrent accepts never overfill slots; concurrent bids make one bid."""

import threading
from collections import Counter
from collections.abc import Callable

import pytest
from django.db import connection
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from campaigns.models import Bid, BidStatus, Brief, BriefStatus, Contract

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 20


def race(calls: list[Callable[[], int]]) -> Counter:
    """Run the calls at once, each in its own thread with its own database connection."""
    barrier = threading.Barrier(len(calls))
    results: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run(call: Callable[[], int]) -> None:
        try:
            barrier.wait()
            status = call()
            with lock:
                results.append(status)
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return Counter(results)


def bearer(user) -> APIClient:  # type: ignore[no-untyped-def]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}")
    return client


def test_concurrent_accepts_of_a_one_slot_brief_make_exactly_one_contract(
    brief_factory, bid_factory, member_of
):
    brief = brief_factory(slots=1)
    owner = member_of(brief.brand)
    bids = [bid_factory(brief=brief) for _ in range(THREADS)]

    def accept(bid_id: int) -> Callable[[], int]:
        return lambda: bearer(owner).post(f"/api/v1/bids/{bid_id}/accept/").status_code

    outcome = race([accept(bid.pk) for bid in bids])

    assert outcome == Counter({200: 1, 409: THREADS - 1})
    assert Contract.objects.count() == 1
    assert Brief.objects.get(pk=brief.pk).status == BriefStatus.AWARDED
    statuses = Counter(Bid.objects.values_list("status", flat=True))
    assert statuses == Counter({BidStatus.ACCEPTED: 1, BidStatus.REJECTED: THREADS - 1})


def test_concurrent_accepts_never_exceed_slots(brief_factory, bid_factory, member_of):
    brief = brief_factory(slots=3)
    owner = member_of(brief.brand)
    bids = [bid_factory(brief=brief) for _ in range(THREADS)]

    outcome = race(
        [
            (lambda b=bid: bearer(owner).post(f"/api/v1/bids/{b.pk}/accept/").status_code)
            for bid in bids
        ]
    )

    assert outcome == Counter({200: 3, 409: THREADS - 3})
    assert Contract.objects.count() == 3
    assert Brief.objects.get(pk=brief.pk).status == BriefStatus.AWARDED


def test_concurrent_bids_by_one_creator_make_one_bid(brief_factory, creator_factory):
    brief = brief_factory()
    creator = creator_factory()

    def bid() -> int:
        response = bearer(creator.user).post(
            f"/api/v1/briefs/{brief.pk}/bids/", {"amount": 50_000}, format="json"
        )
        if response.status_code == 409:
            assert "live bid" in response.json()["error"]["message"]
        return response.status_code

    outcome = race([bid for _ in range(THREADS)])

    assert outcome == Counter({201: 1, 409: THREADS - 1})
    assert Bid.objects.filter(brief=brief, creator=creator).count() == 1
