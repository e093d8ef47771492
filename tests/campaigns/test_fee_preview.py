"""A creator sees the fee, the net and any generation-cost warning before bidding: the very
figures the bid then carries."""

import pytest

from creators.models import Tier

pytestmark = pytest.mark.django_db

FIGURES = (
    "amount",
    "currency",
    "creator_tier",
    "fee_bps",
    "platform_fee",
    "creator_net",
    "warnings",
)


@pytest.mark.parametrize(
    "tier, amount", [(Tier.STANDARD, 671), (Tier.PARTNER, 60_001), (Tier.ELITE, 99_999)]
)
def test_the_preview_equals_the_bid(client_for, creator_factory, brief_factory, tier, amount):
    brief = brief_factory(preferred_models=["kling-2.1-pro"], total_seconds=15)
    creator = creator_factory(tier=tier)
    client = client_for(creator.user)
    preview = client.get(f"/api/v1/briefs/{brief.pk}/fee-preview/", {"amount": amount})
    assert preview.status_code == 200, preview.json()
    bid = client.post(f"/api/v1/briefs/{brief.pk}/bids/", {"amount": amount}, format="json")
    assert bid.status_code == 201, bid.json()
    assert {k: preview.json()[k] for k in FIGURES} == {k: bid.json()[k] for k in FIGURES}
    assert (
        preview.json()["fee_rate"]
        == {"standard": "15.00%", "partner": "10.00%", "elite": "8.00%"}[tier]
    )


def test_a_preview_below_the_generation_cost_warns(client_for, creator_factory, brief_factory):
    brief = brief_factory(preferred_models=["kling-2.1-pro"], total_seconds=15)
    body = (
        client_for(creator_factory().user)
        .get(f"/api/v1/briefs/{brief.pk}/fee-preview/", {"amount": 500, "currency": "usd"})
        .json()
    )
    assert body["platform_fee"] == 75 and body["creator_net"] == 425
    assert body["warnings"] == [
        "5.00 USD is below the estimated generation cost with kling-2.1-pro: 6.72 USD "
        "(15 s × 4 generations)"
    ]


@pytest.mark.parametrize(
    "query, field, code",
    [
        ({}, "amount", "invalid"),
        ({"amount": "-5"}, "amount", "invalid"),
        ({"amount": "0"}, "amount", "invalid"),
        ({"amount": "12.5"}, "amount", "amount_invalid"),
        ({"amount": "1200.00"}, "amount", "amount_invalid"),
        ({"amount": "1200,00"}, "amount", "amount_invalid"),
        ({"amount": ".5"}, "amount", "amount_invalid"),
        ({"amount": "ten"}, "amount", "invalid"),
        ({"amount": "1" * 30}, "amount", "invalid"),
        ({"amount": "100", "currency": "XYZ"}, "currency", "currency_unsupported"),
        ({"amount": "100", "currency": "EUR"}, "currency", "bid_currency_mismatch"),
        ({"amount": "100", "currency": "dollars"}, "currency", "invalid"),
    ],
)
def test_bad_input_names_the_field(client_for, creator_factory, brief_factory, query, field, code):
    brief = brief_factory()
    answer = client_for(creator_factory().user).get(
        f"/api/v1/briefs/{brief.pk}/fee-preview/", query
    )
    assert answer.status_code == 400, answer.json()
    assert field in answer.json()["error"]["fields"]
    assert answer.json()["error"]["code"] == code


def test_only_creators_preview(client_for, member_of, brief_factory, api):
    brief = brief_factory()
    url = f"/api/v1/briefs/{brief.pk}/fee-preview/?amount=100"
    assert api.get(url).status_code == 401
    answer = client_for(member_of(brief.brand)).get(url)
    assert answer.status_code == 403 and answer.json()["error"]["code"] == "not_a_creator"


def test_a_decimal_amount_is_refused_not_read_as_minor_units(
    client_for, creator_factory, brief_factory
):
    """`amount=1200.00` once answered the figures of 1,200 cents (12.00 USD): a client that
    meant 1,200.00 USD saw a fee a hundred times too small. Query strings carry minor units."""
    brief = brief_factory()
    client = client_for(creator_factory().user)
    url = f"/api/v1/briefs/{brief.pk}/fee-preview/"
    refused = client.get(url, {"amount": "1200.00"})
    assert refused.status_code == 400, refused.json()
    assert refused.json()["error"]["code"] == "amount_invalid"
    assert list(refused.json()["error"]["fields"]) == ["amount"]
    assert "minor units" in refused.json()["error"]["message"]
    meant = client.get(url, {"amount": "120000"})
    assert meant.status_code == 200 and meant.json()["amount"] == 120_000
