"""`Idempotency-Key` on POSTs: a retried request replays the first answer and does nothing twice."""

import threading
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from campaigns.models import Bid
from marketplace.idempotency import fingerprint, forget_expired
from marketplace.models import IdempotencyRecord

pytestmark = pytest.mark.django_db


def bid(client: APIClient, brief, key: str | None, amount: int = 60_000):  # type: ignore[no-untyped-def]
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return client.post(
        f"/api/v1/briefs/{brief.pk}/bids/", {"amount": amount}, format="json", **headers
    )


def test_a_retried_bid_replays_the_first_answer_and_makes_one_bid(
    client_for, brief_factory, creator_factory
):
    brief, creator = brief_factory(), creator_factory()
    client = client_for(creator.user)

    first = bid(client, brief, "bid-retry-1")
    again = bid(client, brief, "bid-retry-1")

    assert first.status_code == 201, first.json()
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Bid.objects.filter(brief=brief, creator=creator).count() == 1


def test_without_a_key_a_second_bid_is_refused_as_usual(client_for, brief_factory, creator_factory):
    brief, creator = brief_factory(), creator_factory()
    client = client_for(creator.user)
    assert bid(client, brief, None).status_code == 201
    second = bid(client, brief, None)
    assert second.status_code == 409
    assert "Idempotent-Replayed" not in second


def test_the_same_key_with_another_body_answers_422_naming_the_header(
    client_for, brief_factory, creator_factory
):
    brief, creator = brief_factory(), creator_factory()
    client = client_for(creator.user)
    assert bid(client, brief, "k-1", amount=60_000).status_code == 201

    other = bid(client, brief, "k-1", amount=70_000)

    assert other.status_code == 422
    error = other.json()["error"]
    assert error["code"] == "idempotency_key_reused"
    assert "Idempotency-Key" in error["fields"]
    assert Bid.objects.get(brief=brief, creator=creator).amount == 60_000


def test_keys_are_per_caller(client_for, brief_factory, creator_factory):
    brief = brief_factory()
    one, two = creator_factory(), creator_factory()
    assert bid(client_for(one.user), brief, "shared-key").status_code == 201
    answer = bid(client_for(two.user), brief, "shared-key")
    assert answer.status_code == 201
    assert "Idempotent-Replayed" not in answer
    assert Bid.objects.filter(brief=brief).count() == 2


def test_a_refused_request_is_replayed_too(client_for, brief_factory, creator_factory):
    """A 4xx is an answer: the retry gets the same refusal, not a fresh attempt."""
    brief, creator = brief_factory(min_tier="elite"), creator_factory(tier="standard")
    client = client_for(creator.user)
    first = bid(client, brief, "refused")
    again = bid(client, brief, "refused")
    assert first.status_code == 403
    assert again.status_code == 403
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"


def test_an_invalid_key_answers_400_naming_the_header(client_for, brief_factory, creator_factory):
    response = bid(client_for(creator_factory().user), brief_factory(), "x" * 256)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "idempotency_key_invalid"
    assert "Idempotency-Key" in response.json()["error"]["fields"]
    assert not Bid.objects.exists()


def test_a_key_is_forgotten_after_its_ttl(client_for, brief_factory, creator_factory, settings):
    brief, creator = brief_factory(), creator_factory()
    client = client_for(creator.user)
    assert bid(client, brief, "old").status_code == 201
    IdempotencyRecord.objects.update(created_at=timezone.now() - timedelta(hours=25))

    assert forget_expired() == 1
    assert not IdempotencyRecord.objects.exists()


def test_a_request_still_running_answers_409_with_retry_after(
    client_for, brief_factory, creator_factory
):
    brief, creator = brief_factory(), creator_factory()
    client = client_for(creator.user)
    body = b'{"amount": 60000}'

    class Fake:
        method = "POST"
        path = f"/api/v1/briefs/{brief.pk}/bids/"

    IdempotencyRecord.objects.create(
        scope=f"user:{creator.user.pk}",
        key="running",
        fingerprint=fingerprint(Fake, body),  # type: ignore[arg-type]
        method="POST",
        path=Fake.path,
    )
    response = client.post(
        Fake.path, data=body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="running"
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "idempotency_key_in_progress"
    assert response["Retry-After"] == "1"
    assert not Bid.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicates_run_the_request_once(brief_factory, creator_factory):
    brief, creator = brief_factory(), creator_factory()
    token = RefreshToken.for_user(creator.user).access_token
    barrier = threading.Barrier(12)
    results: list[int] = []
    lock = threading.Lock()

    def run() -> None:
        try:
            client = APIClient()
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
            barrier.wait()
            status = bid(client, brief, "race-key").status_code
            with lock:
                results.append(status)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    outcome = Counter(results)
    assert sum(outcome.values()) == 12
    # Exactly one request ran; the others were replayed (201) or told to retry (409).
    assert set(outcome) <= {201, 409}
    assert Bid.objects.filter(brief=brief, creator=creator).count() == 1
    assert IdempotencyRecord.objects.get(key="race-key").status_code == 201
