"""The milestone and change-order lists, and contracts with their milestones, run a fixed
number of queries whatever the page size."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from campaigns.models import ChangeOrder
from campaigns.services import milestone_append
from tests.factories import BrandFactory, ContractFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def count_queries(client, url: str, page_size: int) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, {"page_size": page_size})
    assert response.status_code == 200, response.json()
    assert len(response.json()["results"]) == page_size
    return len(ctx.captured_queries)


@pytest.fixture
def staged(client_for):  # type: ignore[no-untyped-def]
    brand = BrandFactory()
    owner = MembershipFactory(brand=brand).user
    due = timezone.now() + timedelta(days=30)
    for n in range(12):
        contract = ContractFactory(brand=brand)
        for extra in range(2):
            milestone_append(contract=contract, title=f"Extra {extra}", amount=5_000, due_date=due)
        ChangeOrder.objects.create(
            contract=contract,
            kind="other",
            amount=1_000 + n,
            due_date=due,
            description="More.",
            proposed_by=owner,
            proposer_side="brand",
        )
    return client_for(owner)


@pytest.mark.parametrize(
    "url", ["/api/v1/milestones/", "/api/v1/change-orders/", "/api/v1/contracts/"]
)
def test_lists_do_not_grow_with_the_page(staged, url, django_assert_max_num_queries):
    small, large = count_queries(staged, url, 5), count_queries(staged, url, 12)
    assert small == large
    # user, memberships subquery, count, page (+ milestones for contracts)
    with django_assert_max_num_queries(4):
        staged.get(url, {"page_size": 12})
