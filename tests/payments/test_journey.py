"""The whole journey through the API, the real stripe SDK talking to the sandbox over HTTP:
register → reel → brief → approve → bid → accept → onboard → fund → deliver → revision →
deliver → approve → paid; then reconcile is clean and the creator's earnings are right to the
cent."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from campaigns.models import Brief
from marketplace.models import Notification
from payments import ledger
from payments.reconcile import reconcile

pytestmark = pytest.mark.django_db(transaction=True)

VIDEO = {
    "provider": "kling",
    "model": "kling-2.1-pro",
    "video_url": "https://cdn.example.com/a.mp4",
    "thumbnail_url": "https://cdn.example.com/a.jpg",
    "prompt": "a noodle cat surfing",
    "mode": "text_to_video",
    "duration_s": 15,
    "width": 1080,
    "height": 1920,
    "fps": 24,
}


def register(body: dict) -> APIClient:
    client = APIClient()
    response = client.post("/api/v1/auth/register/", body, format="json")
    assert response.status_code == 201, response.json()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {response.json()['access']}")
    return client


def test_the_whole_journey(sandbox, webhooks, client_for, staff):
    staff_api = client_for(staff)
    maker = register(
        {
            "email": "mika@example.com",
            "password": "Koi-pond-at-dawn-7",
            "role": "creator",
            "handle": "mika",
        }
    )
    reel = maker.post(
        "/api/v1/reels/", {"title": "Koi", "tags": ["anime"], "video": VIDEO}, format="json"
    )
    assert reel.status_code == 201
    client = Client()
    client.force_login(staff)
    moderated = client.post(
        "/admin/creators/reel/", {"action": "approve", "_selected_action": [reel.json()["id"]]}
    )
    assert moderated.status_code == 302, moderated.content[:2000]
    assert maker.get(f"/api/v1/reels/{reel.json()['id']}/").json()["moderation"] == "approved"

    brand = register(
        {
            "email": "owner@neon.test",
            "password": "Kling-Dreams-42",
            "role": "brand",
            "brand_name": "Neon Noodle Co",
        }
    )
    brief = brand.post(
        "/api/v1/briefs/",
        {
            "title": "Noodle Cat teaser",
            "description": "15 s vertical teaser",
            "tags": ["anime"],
            "preferred_models": ["kling-2.1-pro"],
            "deliverables": [
                {"count": 1, "duration_s": 15, "aspect_ratio": "9:16", "resolution": "1080p"}
            ],
            "budget_min": 50_000,
            "budget_max": 150_000,
            "currency": "USD",
            "bid_deadline": (timezone.now() + timedelta(days=7)).isoformat(),
            "delivery_deadline": (timezone.now() + timedelta(days=21)).isoformat(),
        },
        format="json",
    )
    assert brief.status_code == 201, brief.json()
    brief_url = f"/api/v1/briefs/{brief.json()['id']}/"
    assert brand.post(brief_url + "submit/").status_code == 200
    assert staff_api.post(brief_url + "approve/").json()["status"] == "open"

    bid = maker.post(
        brief_url + "bids/",
        {"amount": 123_457, "pitch": "Koi expert", "sample_reels": [reel.json()["id"]]},
        format="json",
    )
    assert bid.status_code == 201, bid.json()
    assert (bid.json()["platform_fee"], bid.json()["creator_net"]) == (18_519, 104_938)
    accepted = brand.post(f"/api/v1/bids/{bid.json()['id']}/accept/")
    assert accepted.status_code == 200
    contract_url = f"/api/v1/contracts/{accepted.json()['contract']['id']}/"

    onboarding = maker.post("/api/v1/payments/onboarding/")
    assert onboarding.status_code == 200
    sandbox.complete_onboarding(onboarding.json()["account"]["stripe_account_id"])
    webhooks.deliver()
    assert maker.get("/api/v1/payments/account/").json()["payouts_enabled"] is True

    funded = brand.post(contract_url + "fund/", {"payment_method": "pm_card_visa"}, format="json")
    assert funded.json()["contract_status"] == "funded"
    webhooks.deliver()  # payment_intent.succeeded arrives too and changes nothing
    assert maker.get("/api/v1/payments/earnings/").json()["results"] == [
        {"currency": "USD", "pending": 104_938, "available": 0, "paid": 0}
    ]

    first = maker.post(
        contract_url + "deliveries/", {"videos": [VIDEO], "note": "v1"}, format="json"
    )
    assert first.status_code == 201
    revision = brand.post(contract_url + "request-revision/", {"note": "more neon"}, format="json")
    assert revision.json()["status"] == "revision_requested"
    second = maker.post(
        contract_url + "deliveries/", {"videos": [VIDEO], "note": "v2"}, format="json"
    )
    assert second.json()["number"] == 2
    assert [d["number"] for d in brand.get(contract_url + "deliveries/").json()["results"]] == [
        1,
        2,
    ]

    approved = brand.post(contract_url + "approve/")
    assert approved.status_code == 200
    webhooks.deliver()
    assert brand.get(contract_url).json()["status"] == "paid"

    transfers = sandbox.objects("transfers")
    assert [(t["amount"], t["currency"]) for t in transfers] == [(104_938, "usd")]
    assert maker.get("/api/v1/payments/earnings/").json()["results"] == [
        {"currency": "USD", "pending": 0, "available": 0, "paid": 104_938}
    ]
    assert ledger.balance(ledger.PLATFORM_CASH, "USD") == 18_519
    assert ledger.balance(ledger.PLATFORM_REVENUE, "USD") == -18_519
    report = reconcile()
    assert report.ok, report.violations
    call_command("reconcile")
    assert Brief.objects.get(pk=brief.json()["id"]).status == "completed"
    kinds = set(Notification.objects.values_list("kind", flat=True))
    assert {
        "contract_funded",
        "contract_delivered",
        "revision_requested",
        "contract_approved",
        "contract_paid",
    } <= kinds
    review = brand.post(contract_url + "reviews/", {"stars": 5, "text": "wonderful"}, format="json")
    assert review.status_code == 201
    assert maker.get("/api/v1/creators/me/").json()["rating"] == 5.0
