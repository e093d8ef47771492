"""Approval by the system (the auto-approval job) takes only deliveries past the review period."""

from datetime import timedelta

import pytest
from django.utils import timezone

from campaigns.models import Contract
from marketplace.errors import Conflict
from payments.services.payouts import milestone_approve
from tests.constants import VIDEO

pytestmark = pytest.mark.django_db(transaction=True)


def test_system_approval_refuses_a_delivery_still_in_review(sandbox, client_for, make_contract):
    contract, owner, creator = make_contract()
    client_for(owner).post(
        f"/api/v1/contracts/{contract.pk}/fund/", {"payment_method": "pm_card_visa"}, format="json"
    )
    client_for(creator.user).post(
        f"/api/v1/contracts/{contract.pk}/deliveries/", {"videos": [VIDEO]}, format="json"
    )
    cutoff = timezone.now() - timedelta(days=7)  # the job's cutoff: delivered before this
    with pytest.raises(Conflict):
        milestone_approve(
            actor=None, milestone_id=contract.milestones.get().pk, delivered_before=cutoff
        )
    assert Contract.objects.get(pk=contract.pk).status == "delivered"
