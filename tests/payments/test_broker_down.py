"""Approving with the broker down answers 200 (the approval committed); the payout waits in the
transactional outbox and is sent by the sweep when the broker is back, exactly once."""

from datetime import timedelta

import pytest

from campaigns.models import Milestone
from marketplace import outbox
from marketplace.models import OutboxTask
from payments.models import Transfer
from tests.payments.test_recovery import approved_contract

pytestmark = pytest.mark.django_db(transaction=True)


def test_approving_with_the_broker_down_answers_200_and_the_sweep_pays(
    sandbox, webhooks, client_for, make_contract, broker_outage
):
    contract, brand, _, url = approved_contract(sandbox, webhooks, client_for, make_contract)
    milestone = Milestone.objects.get(contract=contract)

    broker_outage.down()
    approved = brand.post(f"/api/v1/milestones/{milestone.pk}/approve/")

    assert approved.status_code == 200, approved.content
    milestone.refresh_from_db()
    assert milestone.status == Milestone.S.APPROVED
    transfer = Transfer.objects.get(milestone=milestone)
    waiting = OutboxTask.objects.get(name="payments.tasks.release_payout")
    assert waiting.args == [transfer.pk]
    assert waiting.attempts == 1 and "OperationalError" in waiting.last_error

    broker_outage.back()
    sent, failed = outbox.sweep(older_than=timedelta(0))

    assert (sent, failed) >= (1, 0)
    assert not OutboxTask.objects.filter(name="payments.tasks.release_payout").exists()
    milestone.refresh_from_db()
    assert milestone.status == Milestone.S.PAID
    transfer.refresh_from_db()
    assert transfer.stripe_transfer_id
    # A second sweep (or the row sent twice) pays nothing more: the consumer is idempotent.
    assert outbox.sweep(older_than=timedelta(0)) == (0, 0)
    assert Transfer.objects.filter(milestone=milestone).count() == 1
