"""TEMPORARY: capture real requests and answers of the main journeys (not committed)."""
import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db(transaction=True)
OUT = {}
VIDEO = {
    "provider": "kling", "model": "kling-2.1-pro",
    "video_url": "https://cdn.example.com/noodle-cat-v1.mp4",
    "thumbnail_url": "https://cdn.example.com/noodle-cat-v1.jpg",
    "prompt": "a neon noodle cat surfing a ramen wave, vertical, 15 s",
    "mode": "text_to_video", "duration_s": 15, "width": 1080, "height": 1920, "fps": 24,
}


def rec(key, body, response):
    OUT[key] = {"request": body, "status": response.status_code, "response": response.json()}
    return response


def test_capture(sandbox, webhooks, client_for, staff):
    staff_api = client_for(staff)
    body = {"email": "mika@example.com", "password": "Koi-pond-at-dawn-7", "role": "creator", "handle": "mika"}
    maker = APIClient()
    r = rec("post /api/v1/auth/register/", body, maker.post("/api/v1/auth/register/", body, format="json"))
    maker.credentials(HTTP_AUTHORIZATION=f"Bearer {r.json()['access']}")
    body = {"email": "mika@example.com", "password": "Koi-pond-at-dawn-7"}
    rec("post /api/v1/auth/token/", body, APIClient().post("/api/v1/auth/token/", body, format="json"))
    reel = maker.post("/api/v1/reels/", {"title": "Koi at dawn", "tags": ["anime"], "video": VIDEO}, format="json")
    c = Client(); c.force_login(staff)
    c.post("/admin/creators/reel/", {"action": "approve", "_selected_action": [reel.json()["id"]]})
    brand = APIClient()
    body = {"email": "owner@neon-noodle.example", "password": "Kling-Dreams-42", "role": "brand", "brand_name": "Neon Noodle Co"}
    r = brand.post("/api/v1/auth/register/", body, format="json")
    brand.credentials(HTTP_AUTHORIZATION=f"Bearer {r.json()['access']}")
    body = {
        "title": "Noodle Cat teaser", "description": "A 15 s vertical teaser for our spring ramen launch: a neon cat surfing a noodle wave.",
        "tags": ["anime", "food"], "preferred_models": ["kling-2.1-pro"],
        "deliverables": [{"count": 1, "duration_s": 15, "aspect_ratio": "9:16", "resolution": "1080p"}],
        "budget_min": 50_000, "budget_max": 150_000, "currency": "USD",
        "bid_deadline": "2027-01-15T17:00:00Z", "delivery_deadline": "2027-02-05T17:00:00Z",
    }
    brief = rec("post /api/v1/briefs/", body, brand.post("/api/v1/briefs/", body, format="json"))
    brief_url = f"/api/v1/briefs/{brief.json()['id']}/"
    brand.post(brief_url + "submit/")
    staff_api.post(brief_url + "approve/")
    rec("get /api/v1/briefs/", None, maker.get("/api/v1/briefs/"))
    body = {"amount": 120_000, "pitch": "I animate koi and cats in Kling every week; 15 s with two revisions.", "sample_reels": [reel.json()["id"]]}
    bid = rec("post /api/v1/briefs/{brief_id}/bids/", body, maker.post(brief_url + "bids/", body, format="json"))
    rec("get /api/v1/briefs/{id}/matches/", None, brand.get(brief_url + "matches/"))
    accepted = rec("post /api/v1/bids/{id}/accept/", None, brand.post(f"/api/v1/bids/{bid.json()['id']}/accept/", {}, format="json"))
    contract = accepted.json()["contract"]
    contract_url = f"/api/v1/contracts/{contract['id']}/"
    onboarding = maker.post("/api/v1/payments/onboarding/")
    sandbox.complete_onboarding(onboarding.json()["account"]["stripe_account_id"])
    webhooks.deliver()
    ms = brand.get(contract_url + "milestones/").json()["results"][0]
    ms_url = f"/api/v1/milestones/{ms['id']}/"
    body = {"payment_method": "pm_card_visa"}
    rec("post /api/v1/milestones/{id}/fund/", body, brand.post(ms_url + "fund/", body, format="json"))
    webhooks.deliver()
    body = {"videos": [VIDEO], "note": "First cut: the wave breaks at 0:09 as agreed."}
    rec("post /api/v1/milestones/{id}/deliveries/", body, maker.post(ms_url + "deliveries/", body, format="json"))
    rec("post /api/v1/milestones/{id}/approve/", None, brand.post(ms_url + "approve/", {}, format="json"))
    webhooks.deliver()
    thread = brand.get(f"/api/v1/contracts/{contract['id']}/thread/").json()
    body = {"text": "Loved the wave at 0:09. Could the cat wink at the end?"}
    rec("post /api/v1/threads/{thread_id}/messages/", body, brand.post(f"/api/v1/threads/{thread['id']}/messages/", body, format="json"))
    rec("get /api/v1/threads/{thread_id}/messages/", None, maker.get(f"/api/v1/threads/{thread['id']}/messages/"))
    rec("get /api/v1/payments/transfers/", None, maker.get("/api/v1/payments/transfers/"))
    for v in OUT.values():
        v["status"] = str(v["status"])
        if v["request"] is None:
            del v["request"]
    json.dump(OUT, open("/tmp/api/examples_raw.json", "w"), indent=1)
