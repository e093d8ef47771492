"""The brief shows what generation will cost; a bid below that is accepted with a warning."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def brief(brief_factory):  # type: ignore[no-untyped-def]
    # 15 s with kling-2.1-pro at $0.112/s and 4 expected generations: $6.72.
    return brief_factory(preferred_models=["kling-2.1-pro", "no-price-model"], total_seconds=15)


def test_brief_shows_the_generation_cost_estimate(api, brief):
    body = api.get(f"/api/v1/briefs/{brief.pk}/").json()
    assert body["generation_cost"] == [{"model": "kling-2.1-pro", "currency": "USD", "amount": 672}]


@pytest.mark.parametrize("amount, warned", [(671, True), (672, False), (50_000, False)])
def test_bid_below_the_estimate_carries_a_warning(
    client_for, creator_factory, brief, amount, warned
):
    creator = creator_factory()
    response = client_for(creator.user).post(
        f"/api/v1/briefs/{brief.pk}/bids/", {"amount": amount, "pitch": "cheap"}, format="json"
    )
    assert response.status_code == 201, response.json()
    warnings = response.json()["warnings"]
    if warned:
        assert warnings == [
            "6.71 USD is below the estimated generation cost with kling-2.1-pro: 6.72 USD "
            "(15 s × 4 generations)"
        ]
    else:
        assert warnings == []
